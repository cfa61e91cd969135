// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import com.sun.jna.LastErrorException;

/**
 * A PTP hardware clock ({@code /dev/ptpN}) read as a POSIX dynamic clock: {@code clock_gettime}
 * on {@code FD_TO_CLOCKID(fd)}. The hypervisors' clocks appear this way — KVM's {@code ptp_kvm}
 * ("KVM virtual PTP") and Hyper-V's {@code hv_utils} ("hyperv") — and give the host's time
 * without any guest-agent channel. Open once, read often; close when done.
 */
public final class PtpClock implements AutoCloseable {
    private final String path;
    private final int fd;
    private final int clockId;

    private PtpClock(String path, int fd) {
        this.path = path;
        this.fd = fd;
        this.clockId = (~fd << 3) | 3; // FD_TO_CLOCKID: CLOCKFD = 3
    }

    /** Opens {@code path} read-only. */
    public static PtpClock open(String path) throws NativeException {
        return new PtpClock(path, Posix.openFd(path, Posix.O_RDONLY | Posix.O_CLOEXEC));
    }

    /** The clock's time, ns since the epoch (PTP clocks of hypervisors count UTC like CLOCK_REALTIME). */
    public long nowNanos() throws NativeException {
        long[] ts = new long[2];
        try {
            LinuxLibc.clock_gettime(clockId, ts);
        } catch (LastErrorException e) {
            throw NativeException.of("clock_gettime(" + path + ")", e);
        }
        return ts[0] * 1_000_000_000L + ts[1];
    }

    /** CLOCK_REALTIME now, ns since the epoch, read the same way (for a like-for-like offset). */
    public static long realtimeNanos() throws NativeException {
        long[] ts = new long[2];
        try {
            LinuxLibc.clock_gettime(LinuxLibc.CLOCK_REALTIME, ts);
        } catch (LastErrorException e) {
            throw NativeException.of("clock_gettime(CLOCK_REALTIME)", e);
        }
        return ts[0] * 1_000_000_000L + ts[1];
    }

    @Override
    public void close() {
        KernelEvents.closeQuietly(fd);
    }

    @Override
    public String toString() {
        return path;
    }
}
