// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import com.sun.jna.Memory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs(OS.LINUX)
class SdNotifyTest {
    @TempDir
    Path dir;

    /** A bound AF_UNIX datagram socket standing in for systemd's notification socket. */
    private static int bindDatagram(String address) throws Exception {
        int fd = LinuxLibc.socket(LinuxLibc.AF_UNIX, LinuxLibc.SOCK_DGRAM | LinuxLibc.SOCK_CLOEXEC, 0);
        byte[] addr = SdNotify.sockaddr(address);
        LinuxLibc.bind(fd, addr, addr.length);
        return fd;
    }

    private static String receive(int fd) {
        try (Memory buf = new Memory(4096)) {
            long n = LinuxLibc.recv(fd, buf, buf.size(), 0);
            return new String(buf.getByteArray(0, (int) n), StandardCharsets.UTF_8);
        }
    }

    @Test
    void sendsOneDatagramToAPathSocket() throws Exception {
        String path = dir.resolve("notify").toString();
        int fd = bindDatagram(path);
        try {
            SdNotify.send(path, "READY=1\nSTATUS=serving QGA");
            assertEquals("READY=1\nSTATUS=serving QGA", receive(fd));
            SdNotify.send(path, "WATCHDOG=1");
            assertEquals("WATCHDOG=1", receive(fd));
        } finally {
            LinuxLibc.close(fd);
        }
    }

    @Test
    void sendsToAnAbstractSocket() throws Exception {
        String name = "@guestd-test-" + ProcessHandle.current().pid() + "-" + ThreadLocalRandom.current().nextInt(1 << 30);
        int fd = bindDatagram(name);
        try {
            SdNotify.send(name, "STOPPING=1");
            assertEquals("STOPPING=1", receive(fd));
        } finally {
            LinuxLibc.close(fd);
        }
    }

    @Test
    void nothingBoundIsAnErrnoNamingTheSocket() {
        String path = dir.resolve("absent").toString();
        NativeException e = assertThrows(NativeException.class, () -> SdNotify.send(path, "READY=1"));
        assertEquals("sendto(" + path + ")", e.call());
        assertEquals("ENOENT", e.errnoName());
    }

    @Test
    void addressLayoutMatchesSockaddrUn() throws Exception {
        byte[] path = SdNotify.sockaddr("/run/x");
        ByteBuffer b = ByteBuffer.wrap(path).order(ByteOrder.nativeOrder());
        assertEquals(LinuxLibc.AF_UNIX, b.getShort(0));
        assertEquals(2 + 6 + 1, path.length);
        assertEquals(0, path[path.length - 1]);
        byte[] abs = SdNotify.sockaddr("@ab");
        assertArrayEquals(new byte[] {0, 'a', 'b'}, Arrays.copyOfRange(abs, 2, abs.length));
    }

    @Test
    void tooLongOrEmptyAddressIsRefused() {
        assertThrows(NativeException.class, () -> SdNotify.sockaddr("/" + "x".repeat(107)));
        assertThrows(NativeException.class, () -> SdNotify.sockaddr(""));
        assertThrows(NativeException.class, () -> SdNotify.sockaddr("@"));
    }
}
