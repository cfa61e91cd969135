// SPDX-License-Identifier: Apache-2.0
package org.guestd.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicBoolean;
import org.guestd.files.FileHandles.Chunk;
import org.guestd.files.FileHandles.Position;
import org.guestd.files.FileHandles.Whence;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileHandlesTest {
    @TempDir
    Path dir;
    Path state;
    FileHandles files;

    @BeforeEach
    void setUp() throws Exception {
        state = Files.createDirectories(dir.resolve("state"));
        files = new FileHandles(state);
    }

    private String path(String name) {
        return dir.resolve(name).toString();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(Chunk c) {
        return new String(c.data(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void readWriteSeekAsTranscript27a() throws Exception {
        long h = files.open(path("t.txt"), "w+");
        assertEquals(1000, h);
        assertEquals("[global]\nfd_counter=1001\n", Files.readString(state.resolve("qga.state")));
        assertEquals(new FileHandles.Written(13, false), files.write(h, bytes("Hello World!\n")));
        Chunk afterWrite = files.read(h, 4096); // implicit flush, then at the end
        assertEquals(0, afterWrite.data().length);
        assertTrue(afterWrite.eof());
        assertEquals(new Position(0, false), files.seek(h, 0, Whence.SET));
        Chunk all = files.read(h, 4096);
        assertEquals("Hello World!\n", text(all));
        assertTrue(all.eof());
        assertEquals(new Position(6, false), files.seek(h, 6, Whence.SET));
        Chunk part = files.read(h, 3);
        assertEquals("Wor", text(part));
        assertFalse(part.eof());
        assertEquals(new Position(9, false), files.seek(h, 0, Whence.CUR));
        assertEquals(new Position(12, false), files.seek(h, -1, Whence.END));
        assertEquals(2, files.write(h, () -> ByteBuffer.wrap(bytes("XYZ"), 0, 2)).count());
        files.flush(h);
        files.close(h);
        assertEquals(0, files.size());
        FileException e = assertThrows(FileException.class, () -> files.close(h));
        assertEquals(FileException.Kind.NO_SUCH_HANDLE, e.kind());
        assertEquals(1000, e.handle());
        assertEquals("Hello World!XY", Files.readString(dir.resolve("t.txt")));
    }

    @Test
    void errorsInQemuGasWords() throws Exception {
        Files.writeString(dir.resolve("r.txt"), "Hello World!\n");
        long h = files.open(path("r.txt"), "r");
        FileException e = assertThrows(FileException.class, () -> files.write(h, bytes("x")));
        assertEquals(FileException.Kind.IO, e.kind());
        assertEquals("failed to write to file: Bad file descriptor", e.getMessage());
        files.close(h);
        e = assertThrows(FileException.class, () -> files.open("/nonexistent/dir/file", "r"));
        assertEquals("failed to open file '/nonexistent/dir/file' (mode: 'r'): No such file or directory",
                e.getMessage());
        e = assertThrows(FileException.class, () -> files.open(path("r.txt"), "rw"));
        assertEquals(FileException.Kind.INVALID_MODE, e.kind());
        assertEquals("invalid file open mode 'rw'", e.getMessage());
        e = assertThrows(FileException.class, () -> files.open(dir.toString(), "r+"));
        assertEquals("failed to open file '" + dir + "' (mode: 'r+'): Is a directory", e.getMessage());
        e = assertThrows(FileException.class, () -> files.read(123456, 1));
        assertEquals(FileException.Kind.NO_SUCH_HANDLE, e.kind());
        assertEquals(123456, e.handle());
        assertThrows(FileException.class, () -> files.require(123456));
        assertEquals(0, files.size());
    }

    @Test
    void nulBytesAndPartialReadsAsTestQga() throws Exception {
        // tests/unit/test-qga.c /qga/file-ops: 14 bytes including the NUL
        byte[] payload = bytes("Hello World!\n\0");
        long h = files.open(path("foo"), "w+");
        assertEquals(14, files.write(h, payload).count());
        files.flush(h);
        files.close(h);
        assertArrayEquals(payload, Files.readAllBytes(dir.resolve("foo")));
        h = files.open(path("foo"), "r");
        Chunk r = files.read(h, 4096);
        assertArrayEquals(payload, r.data());
        assertTrue(r.eof());
        files.seek(h, 6, Whence.SET);
        assertArrayEquals(bytes("World!\n\0"), files.read(h, 4096).data());
    }

    @Test
    void newFilesAre0666RegardlessOfUmaskAndTheCounterPersists() throws Exception {
        long h = files.open(path("new"), "a");
        assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("new"))));
        files.close(h);
        // a restarted agent continues the counter from the state file
        assertEquals(h + 1, new FileHandles(state).open(path("new"), "r"));
        Files.writeString(state.resolve("qga.state"), "[global]\nfd_counter=77\n");
        FileHandles third = new FileHandles(state);
        assertEquals(77, third.peekCounter());
        assertEquals(77, third.open(path("new"), "r"));
        assertEquals("[global]\nfd_counter=78\n", Files.readString(state.resolve("qga.state")));
    }

    @Test
    void aFreshStateDirGetsTheDefaultAndAnUnwritableOneRefusesTheOpen() throws Exception {
        FileHandles fresh = new FileHandles(Files.createDirectories(dir.resolve("fresh")));
        assertEquals(FileHandles.DEFAULT_COUNTER, fresh.peekCounter());
        assertEquals("[global]\nfd_counter=1000\n", Files.readString(dir.resolve("fresh/qga.state")));
        FileHandles nowhere = new FileHandles(dir.resolve("missing-dir"));
        FileException e = assertThrows(FileException.class, () -> nowhere.open(path("x"), "w"));
        assertEquals("failed to commit persistent state to disk", e.getMessage());
        assertEquals(0, nowhere.size());
    }

    @Test
    void counterParsing() {
        assertEquals(1000, HandleCounter.parse(""));
        assertEquals(5, HandleCounter.parse("[global]\nfd_counter=5\n"));
        assertEquals(0, HandleCounter.parse("[global]\nfd_counter=x\n"));
        assertEquals(0, HandleCounter.parse("[global]\nfd_counter=99999999999\n"));
        assertEquals(1000, HandleCounter.parse("[other]\nfd_counter=5\n"));
    }

    @Test
    void aFifoWithoutWriterNeverBlocks() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, p.waitFor());
        long h = files.open(fifo.toString(), "r"); // O_NONBLOCK: returns at once
        Chunk r = files.read(h, 4096);
        assertEquals(0, r.data().length);
        assertTrue(r.eof());
    }

    @Test
    void aWriteAfterAReadOnAFifoFailsItsSeekBeforeThePayloadIsAsked() throws Exception {
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        long h = files.open(fifo.toString(), "r+"); // reader and writer of the FIFO at once
        files.write(h, bytes("ab"));
        assertEquals("a", text(files.read(h, 1))); // the implicit flush put "ab" into the FIFO
        AtomicBoolean asked = new AtomicBoolean();
        FileException e = assertThrows(FileException.class, () -> files.write(h, () -> {
            asked.set(true);
            throw new IOException("bad payload");
        }));
        assertEquals("failed to seek file: Illegal seek", e.getMessage());
        assertFalse(asked.get());
    }

    @Test
    void aFailingPayloadWritesNothing() throws Exception {
        long h = files.open(path("p.txt"), "w");
        IOException e = assertThrows(IOException.class, () -> files.write(h, () -> {
            throw new IOException("bad payload");
        }));
        assertEquals("bad payload", e.getMessage());
        files.close(h);
        assertEquals(0, Files.size(dir.resolve("p.txt")));
    }

    @Test
    void appendModeAndReadThenWrite() throws Exception {
        Files.writeString(dir.resolve("a.txt"), "abc");
        long h = files.open(path("a.txt"), "a+");
        files.write(h, bytes("def"));
        files.seek(h, 0, Whence.SET);
        assertEquals("ab", text(files.read(h, 2)));
        // read -> write switches with an implicit fseek; in append mode the write still goes to the end
        files.write(h, bytes("!"));
        files.close(h);
        assertEquals("abcdef!", Files.readString(dir.resolve("a.txt")));
    }
}
