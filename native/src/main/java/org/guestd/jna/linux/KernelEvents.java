// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import com.sun.jna.LastErrorException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Descriptors that become readable when something happens to the guest, for the event loop to
 * watch: rtnetlink address and link changes, and steps of the wall clock (a resume from suspend,
 * a snapshot restore, settimeofday — xe-guest-utilities' {@code NotifyResumed} uses the same
 * timerfd trick). Each is non-blocking and close-on-exec; {@link #drain} empties one after it
 * fired.
 */
public final class KernelEvents {
    private static final long FAR_FUTURE_SECONDS = 1L << 40; // an absolute time that never comes

    private KernelEvents() {}

    /** A NETLINK_ROUTE socket subscribed to link, IPv4 and IPv6 address changes. */
    public static int openAddressMonitor() throws NativeException {
        String call = "socket(AF_NETLINK, NETLINK_ROUTE) for address changes";
        LinuxNative.ensure(call);
        int fd;
        try {
            fd = LinuxLibc.socket(LinuxLibc.AF_NETLINK,
                    LinuxLibc.SOCK_RAW | LinuxLibc.SOCK_NONBLOCK | LinuxLibc.SOCK_CLOEXEC, LinuxLibc.NETLINK_ROUTE);
        } catch (LastErrorException e) {
            throw NativeException.of(call, e);
        }
        ByteBuffer addr = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
        addr.putShort((short) LinuxLibc.AF_NETLINK).putShort((short) 0).putInt(0)
                .putInt(LinuxLibc.RTMGRP_LINK | LinuxLibc.RTMGRP_IPV4_IFADDR | LinuxLibc.RTMGRP_IPV6_IFADDR);
        try {
            LinuxLibc.bind(fd, addr.array(), 12);
        } catch (LastErrorException e) {
            closeQuietly(fd);
            throw NativeException.of("bind(netlink RTMGRP_*IFADDR)", e);
        }
        return fd;
    }

    /**
     * A timerfd on CLOCK_REALTIME armed for a time that never comes, with
     * TFD_TIMER_CANCEL_ON_SET: it becomes readable (read fails with ECANCELED) whenever the wall
     * clock is set discontinuously, which includes the kernel's correction after a resume.
     * Re-arm it with {@link #rearmClockJumpTimer} after each event.
     */
    public static int openClockJumpTimer() throws NativeException {
        String call = "timerfd_create(CLOCK_REALTIME)";
        LinuxNative.ensure(call);
        int fd;
        try {
            fd = LinuxLibc.timerfd_create(LinuxLibc.CLOCK_REALTIME, LinuxLibc.TFD_NONBLOCK | LinuxLibc.TFD_CLOEXEC);
        } catch (LastErrorException e) {
            throw NativeException.of(call, e);
        }
        try {
            rearmClockJumpTimer(fd);
        } catch (NativeException e) {
            closeQuietly(fd);
            throw e;
        }
        return fd;
    }

    /** Arms (again) the timer of {@link #openClockJumpTimer}. */
    public static void rearmClockJumpTimer(int fd) throws NativeException {
        try {
            LinuxLibc.timerfd_settime(fd, LinuxLibc.TFD_TIMER_ABSTIME | LinuxLibc.TFD_TIMER_CANCEL_ON_SET,
                    new long[] {0, 0, FAR_FUTURE_SECONDS, 0}, null);
        } catch (LastErrorException e) {
            throw NativeException.of("timerfd_settime(TFD_TIMER_CANCEL_ON_SET)", e);
        }
    }

    /**
     * Reads everything pending on {@code fd} (netlink messages, a timerfd's count or its ECANCELED)
     * and discards it.
     *
     * @return how many reads returned data or ECANCELED (0: nothing was pending)
     */
    public static int drain(int fd) throws NativeException {
        ByteBuffer buf = ByteBuffer.allocateDirect(16 * 1024);
        int events = 0;
        for (int i = 0; i < 1024; i++) { // bounded: one burst never holds the loop for long
            buf.clear();
            int n;
            try {
                n = Posix.read(fd, buf);
            } catch (NativeException e) {
                if (e.errno() == Errno.ECANCELED) {
                    events++;
                    continue;
                }
                if (e.errno() == Errno.ENOBUFS) { // the socket overflowed: changes were lost, so report one
                    events++;
                    continue;
                }
                throw e;
            }
            if (n <= 0) { // EAGAIN (0) or end of file
                return events;
            }
            events++;
        }
        return events;
    }

    /** close(2), ignoring errors. */
    public static void closeQuietly(int fd) {
        try {
            LinuxLibc.close(fd);
        } catch (LastErrorException ignored) {
            // nothing to do
        }
    }
}
