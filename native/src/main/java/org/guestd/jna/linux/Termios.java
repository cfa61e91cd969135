// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

/**
 * Serial line setup. glibc's {@code struct termios} (x86_64 and aarch64 alike): four 32-bit flag
 * words, {@code c_line} at 16, {@code c_cc[32]} at 17, then the two speeds; 60 bytes, of which
 * only {@code c_cc[VTIME]} (index 5) and {@code c_cc[VMIN]} (index 6) are touched directly.
 */
public final class Termios {
    private static final int BUFFER = 128; // sizeof(struct termios) is 60; generous
    private static final int C_CC = 17;
    private static final int VTIME = 5;
    private static final int VMIN = 6;

    private Termios() {}

    /**
     * Raw 8-bit line like qemu-ga's isa-serial channel: cfmakeraw, {@code baud} in and out,
     * VMIN=1 VTIME=0, pending input discarded (TCIFLUSH), applied with TCSANOW.
     *
     * @param baud 9600, 19200, 38400, 57600 or 115200
     */
    public static void makeRaw(int fd, int baud) throws NativeException {
        int speed = speedConstant(baud);
        String call = "tcsetattr(" + fd + ")";
        LinuxNative.ensure(call);
        try (Memory t = new Memory(BUFFER)) {
            t.clear();
            try {
                LinuxLibc.tcgetattr(fd, t);
            } catch (LastErrorException e) {
                throw NativeException.of("tcgetattr(" + fd + ")", e);
            }
            LinuxLibc.cfmakeraw(t);
            try {
                LinuxLibc.cfsetispeed(t, speed);
                LinuxLibc.cfsetospeed(t, speed);
            } catch (LastErrorException e) {
                throw NativeException.of("cfsetspeed(" + baud + ")", e);
            }
            t.setByte(C_CC + VMIN, (byte) 1);
            t.setByte(C_CC + VTIME, (byte) 0);
            try {
                LinuxLibc.tcflush(fd, LinuxLibc.TCIFLUSH);
            } catch (LastErrorException e) {
                throw NativeException.of("tcflush(" + fd + ")", e);
            }
            try {
                LinuxLibc.tcsetattr(fd, LinuxLibc.TCSANOW, t);
            } catch (LastErrorException e) {
                throw NativeException.of(call, e);
            }
        }
    }

    /** The {@code Bnnn} constant for a baud rate (termios-baud.h, generic Linux values). */
    static int speedConstant(int baud) {
        switch (baud) {
            case 9600: return 0x0d;       // B9600   0000015
            case 19200: return 0x0e;      // B19200  0000016
            case 38400: return 0x0f;      // B38400  0000017
            case 57600: return 0x1001;    // B57600  0010001
            case 115200: return 0x1002;   // B115200 0010002
            default: throw new IllegalArgumentException("unsupported baud rate: " + baud);
        }
    }

    /** The VMIN and VTIME bytes of {@code fd}'s current settings (for tests). */
    static int[] vminVtime(int fd) throws NativeException {
        try (Memory t = new Memory(BUFFER)) {
            t.clear();
            LinuxLibc.tcgetattr(fd, t);
            return new int[] {t.getByte(C_CC + VMIN), t.getByte(C_CC + VTIME)};
        } catch (LastErrorException e) {
            throw NativeException.of("tcgetattr(" + fd + ")", e);
        }
    }
}
