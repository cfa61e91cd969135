// SPDX-License-Identifier: Apache-2.0
package org.guestd.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import org.guestd.files.FileReceiver.Incoming;
import org.guestd.files.ReceiveException.Reason;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileReceiverTest {
    @TempDir
    Path root;
    FileReceiver receiver;
    String in;

    @BeforeEach
    void setUp() {
        receiver = new FileReceiver(root);
        in = root.resolve("in").toString();
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private Reason refusal(String dir, String name, boolean overwrite, boolean createPath) {
        return assertThrows(ReceiveException.class, () -> receiver.start(dir, name, overwrite, createPath)).reason();
    }

    @Test
    void fragmentsLandAtTheirOffsetsAndCompleteKeepsTheFile() throws Exception {
        Incoming f = receiver.start(in, "f.txt", false, true);
        assertEquals(root.resolve("in/f.txt"), f.path());
        f.write(5, bytes("world"));
        f.write(0, bytes("hello"));
        f.complete();
        f.complete(); // once is enough; a second is harmless
        assertEquals("helloworld", Files.readString(root.resolve("in/f.txt")));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("in/f.txt"))));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("in"))));
        ReceiveException late = assertThrows(ReceiveException.class, () -> f.write(0, bytes("x")));
        assertEquals(Reason.IO, late.reason());
        assertEquals("helloworld", Files.readString(root.resolve("in/f.txt")));
    }

    @Test
    void aMissingDirectoryIsCreatedOnlyWhenAsked() throws Exception {
        assertEquals(Reason.NO_DIRECTORY, refusal(in, "f", true, false));
        assertFalse(Files.exists(root.resolve("in")));
        receiver.start(in + "/deeper", "f", false, true).complete();
        assertTrue(Files.isRegularFile(root.resolve("in/deeper/f")));
    }

    @Test
    void anExistingFileIsReplacedOnlyWhenAsked() throws Exception {
        Files.createDirectories(root.resolve("in"));
        Files.writeString(root.resolve("in/f"), "old content");
        assertEquals(Reason.EXISTS, refusal(in, "f", false, true));
        assertEquals("old content", Files.readString(root.resolve("in/f")));
        Incoming f = receiver.start(in, "f", true, false);
        f.write(0, bytes("new"));
        f.complete();
        assertEquals("new", Files.readString(root.resolve("in/f")), "truncated, then written");
    }

    @Test
    void cancelRemovesThePartialFile() throws Exception {
        Incoming f = receiver.start(in, "part", false, true);
        f.write(0, bytes("12345"));
        f.cancel();
        assertFalse(Files.exists(root.resolve("in/part")));
        f.cancel(); // nothing left to remove: quiet
    }

    @Test
    void namesAndDirectoriesThatWouldEscapeAreRefused() throws Exception {
        for (String name : new String[] {"", ".", "..", "a/b", "../escape"}) {
            assertEquals(Reason.REFUSED, refusal(in, name, true, true), name);
        }
        assertEquals(Reason.REFUSED, refusal("relative/dir", "x", true, true));
        assertEquals(Reason.REFUSED, refusal(in + "/../..", "x", true, true));
        assertEquals(Reason.REFUSED, refusal(in + "/a/../b", "x", true, true));
        assertEquals(Reason.REFUSED, refusal("/etc", "x", true, true));
        assertEquals(Reason.REFUSED, refusal(root.getParent().toString(), "x", true, true));
        assertFalse(Files.exists(root.resolve("in")), "nothing created for a refused target");
    }

    @Test
    void symlinksCannotLeadOutOfTheRootOrBeWrittenThrough() throws Exception {
        Path outside = Files.createTempDirectory("guestd-receiver-outside");
        try {
            Files.createSymbolicLink(root.resolve("link"), outside);
            assertEquals(Reason.REFUSED, refusal(root.resolve("link").toString(), "x", true, true));
            assertEquals(0, Files.list(outside).count());
            Files.createDirectories(root.resolve("in"));
            Path target = Files.writeString(root.resolve("in/real"), "keep");
            Files.createSymbolicLink(root.resolve("in/sym"), target);
            assertEquals(Reason.REFUSED, refusal(in, "sym", true, false));
            assertEquals("keep", Files.readString(target));
            assertTrue(Files.isSymbolicLink(root.resolve("in/sym")));
            Files.createDirectories(root.resolve("in/adir"));
            assertEquals(Reason.REFUSED, refusal(in, "adir", true, false), "not a regular file");
            assertTrue(Files.isDirectory(root.resolve("in/adir"), LinkOption.NOFOLLOW_LINKS));
        } finally {
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void theDefaultRootAllowsAnyAbsoluteDirectory() throws Exception {
        FileReceiver anywhere = new FileReceiver(Path.of("/"));
        assertEquals(Path.of("/"), anywhere.root());
        byte[] data = new byte[10000];
        new Random(3).nextBytes(data);
        Incoming f = anywhere.start(root.resolve("any").toString(), "f.bin", false, true);
        f.write(0, ByteBuffer.wrap(data));
        f.complete();
        assertArrayEquals(data, Files.readAllBytes(root.resolve("any/f.bin")));
        assertEquals(Reason.REFUSED, assertThrows(ReceiveException.class,
                () -> anywhere.start("/tmp/../etc", "x", true, true)).reason());
    }
}
