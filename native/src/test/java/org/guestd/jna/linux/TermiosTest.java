// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(OS.LINUX)
class TermiosTest {
    @Test
    void makeRawSetsVminVtimeAndPassesBytesUnchanged() throws Exception {
        try (Pty pty = Pty.open(true)) {
            int slave = Posix.openFd(pty.slavePath(), Posix.O_RDWR | Posix.O_NOCTTY | Posix.O_NONBLOCK | Posix.O_CLOEXEC);
            try {
                Termios.makeRaw(slave, 38400);
                assertArrayEquals(new int[] {1, 0}, Termios.vminVtime(slave));
                // canonical mode would hold "a\r" back (no newline), map CR to NL and echo it
                byte[] sent = {'a', '\r', 3, 0, (byte) 0xff};
                ByteBuffer b = ByteBuffer.allocateDirect(8);
                b.put(sent).flip();
                assertEquals(sent.length, Posix.write(pty.masterFd(), b));
                ByteBuffer in = ByteBuffer.allocateDirect(16);
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (in.position() < sent.length && System.nanoTime() < deadline) {
                    if (Posix.read(slave, in) == 0) {
                        Thread.sleep(2);
                    }
                }
                in.flip();
                byte[] got = new byte[in.remaining()];
                in.get(got);
                assertArrayEquals(sent, got);
                ByteBuffer echo = ByteBuffer.allocateDirect(16);
                assertEquals(0, Posix.read(pty.masterFd(), echo), "no echo in raw mode");
            } finally {
                Posix.close(slave);
            }
        }
    }

    @Test
    void speedConstants() {
        assertEquals(15, Termios.speedConstant(38400)); // B38400 = 0000017
        assertEquals(0x1002, Termios.speedConstant(115200));
        assertThrows(IllegalArgumentException.class, () -> Termios.speedConstant(12345));
    }

    @Test
    void makeRawOnANonTtyFailsWithEnotty() throws Exception {
        int[] sv = SocketPairs.seqpacket();
        try {
            NativeException e = assertThrows(NativeException.class, () -> Termios.makeRaw(sv[0], 38400));
            assertEquals("ENOTTY", e.errnoName());
            assertEquals("tcgetattr(" + sv[0] + ")", e.call());
        } finally {
            Posix.close(sv[0]);
            Posix.close(sv[1]);
        }
    }
}
