// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs(OS.LINUX)
class PosixTest {
    @TempDir
    Path dir;

    @Test
    void availableOnThisMachine() {
        assertNull(LinuxNative.availability());
        assertTrue(LinuxNative.isAvailable());
    }

    @Test
    void openOfMissingPathNamesCallAndErrno() {
        String missing = dir.resolve("vport0p1").toString();
        NativeException e = assertThrows(NativeException.class,
                () -> Posix.openFd(missing, Posix.O_RDWR | Posix.O_CLOEXEC));
        assertEquals("open(" + missing + ") failed: ENOENT (No such file or directory)", e.getMessage());
        assertEquals(2, e.errno());
        assertEquals("ENOENT", e.errnoName());
        assertEquals("open(" + missing + ")", e.call());
        assertTrue(e instanceof IOException);
    }

    @Test
    void unknownErrnoStillGivesAMessage() {
        NativeException e = new NativeException("frob(x)", 4095);
        assertEquals("frob(x) failed: errno 4095 (Unknown error 4095)", e.getMessage());
    }

    @Test
    void statvfsMatchesTheJdkFileStore() throws Exception {
        StatVfs s = Posix.statvfs(dir.toString());
        FileStore store = Files.getFileStore(dir);
        assertTrue(s.bsize() > 0 && s.frsize() > 0, s.toString());
        assertEquals(store.getTotalSpace(), s.totalBytes());
        assertTrue(s.bfree() >= s.bavail(), s.toString());
        assertTrue(s.blocks() >= s.bfree(), s.toString());
        assertTrue(s.namemax() > 0 && s.namemax() <= 4096, s.toString());
        assertEquals(0, s.flag() & StatVfs.ST_RDONLY, "a @TempDir is writable");
    }

    @Test
    void statvfsOfMissingPath() {
        NativeException e = assertThrows(NativeException.class, () -> Posix.statvfs(dir.resolve("nope").toString()));
        assertEquals("ENOENT", e.errnoName());
    }

    @Test
    void unameMatchesTheCommand() throws Exception {
        Utsname u = Posix.uname();
        assertEquals("Linux", u.sysname());
        assertEquals(run("uname", "-r"), u.release());
        assertEquals(run("uname", "-m"), u.machine());
        assertEquals(run("uname", "-v"), u.version());
        assertEquals(run("uname", "-n"), u.nodename());
    }

    @Test
    void ifIndexToName() throws Exception {
        assertEquals("lo", Posix.ifIndexToName(1)); // loopback is always index 1 in a network namespace
        NativeException e = assertThrows(NativeException.class, () -> Posix.ifIndexToName(0x7ffffff0));
        assertTrue(e.errnoName().equals("ENXIO") || e.errnoName().equals("ENODEV"), e.getMessage());
    }

    @Test
    void readWriteOnASocketPairFollowNioConventions() throws Exception {
        int[] sv = SocketPairs.stream();
        try {
            Posix.setNonBlockingCloexec(sv[0]);
            assertEquals(Posix.SOCK_STREAM, Posix.socketType(sv[0]));
            ByteBuffer in = ByteBuffer.allocateDirect(16);
            assertEquals(0, Posix.read(sv[0], in), "EAGAIN is 0");
            ByteBuffer outBuf = ByteBuffer.allocateDirect(8);
            outBuf.put("hello".getBytes(StandardCharsets.US_ASCII)).flip();
            assertEquals(5, Posix.write(sv[1], outBuf));
            assertEquals(5, outBuf.position());
            assertEquals(5, Posix.read(sv[0], in));
            assertEquals(5, in.position());
            Posix.close(sv[1]);
            sv[1] = -1;
            assertEquals(-1, Posix.read(sv[0], in), "end of file is -1");
        } finally {
            Posix.close(sv[0]);
            if (sv[1] >= 0) {
                Posix.close(sv[1]);
            }
        }
    }

    @Test
    void socketTypeOfANonSocket() throws Exception {
        try (Pty pty = Pty.open(false)) {
            assertEquals(-1, Posix.socketType(pty.masterFd()));
        }
    }

    @Test
    void heapBuffersAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Posix.read(0, ByteBuffer.allocate(4)));
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
        return out;
    }
}
