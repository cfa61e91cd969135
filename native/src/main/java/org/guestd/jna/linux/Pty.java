// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import com.sun.jna.LastErrorException;

/**
 * A pseudo-terminal pair made with posix_openpt/grantpt/unlockpt/ptsname_r. Tests and host-side
 * emulators use it as a stand-in serial device: the agent opens {@link #slavePath()}, the test
 * drives {@link #masterFd()}. The master is opened O_RDWR|O_NOCTTY|O_CLOEXEC, plus O_NONBLOCK
 * when asked.
 *
 * @param masterFd the master descriptor (owned by the caller; {@link #close()} closes it)
 * @param slavePath e.g. {@code /dev/pts/3}
 */
public record Pty(int masterFd, String slavePath) implements AutoCloseable {
    /** Opens a new pty pair. */
    public static Pty open(boolean nonBlocking) throws NativeException {
        LinuxNative.ensure("posix_openpt");
        int flags = LinuxLibc.O_RDWR | LinuxLibc.O_NOCTTY | LinuxLibc.O_CLOEXEC
                | (nonBlocking ? LinuxLibc.O_NONBLOCK : 0);
        int fd;
        try {
            fd = LinuxLibc.posix_openpt(flags);
        } catch (LastErrorException e) {
            throw NativeException.of("posix_openpt", e);
        }
        try {
            try {
                LinuxLibc.grantpt(fd);
                LinuxLibc.unlockpt(fd);
            } catch (LastErrorException e) {
                throw NativeException.of("unlockpt(" + fd + ")", e);
            }
            byte[] name = new byte[128];
            int rc = LinuxLibc.ptsname_r(fd, name, name.length);
            if (rc != 0) {
                throw new NativeException("ptsname_r(" + fd + ")", rc);
            }
            return new Pty(fd, Posix.cString(name, 0, name.length));
        } catch (NativeException e) {
            try {
                LinuxLibc.close(fd);
            } catch (LastErrorException ignored) {
                // already failing
            }
            throw e;
        }
    }

    /** Closes the master; the slave side then sees a hangup. */
    @Override
    public void close() {
        try {
            LinuxLibc.close(masterFd);
        } catch (LastErrorException ignored) {
            // closing twice is harmless here
        }
    }
}
