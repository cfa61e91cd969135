// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import java.util.Map;

/**
 * Names and glibc {@code strerror} texts of the common Linux errno values (asm-generic numbering,
 * shared by x86_64 and aarch64).
 */
final class Errno {
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EIO = 5;
    static final int ENXIO = 6;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int EEXIST = 17;
    static final int ENODEV = 19;
    static final int ENOTDIR = 20;
    static final int EINVAL = 22;
    static final int ENFILE = 23;
    static final int EMFILE = 24;
    static final int ENOTTY = 25;
    static final int ENOSPC = 28;
    static final int EROFS = 30;
    static final int EPIPE = 32;
    static final int ENOSYS = 38;
    static final int ENOBUFS = 105;
    static final int ECANCELED = 125;
    static final int ENOTSOCK = 88;
    static final int EMSGSIZE = 90;
    static final int EPROTONOSUPPORT = 93;
    static final int EOPNOTSUPP = 95;
    static final int EAFNOSUPPORT = 97;
    static final int EADDRINUSE = 98;
    static final int EADDRNOTAVAIL = 99;
    static final int ENETDOWN = 100;
    static final int ECONNABORTED = 103;
    static final int ECONNRESET = 104;
    static final int ENOTCONN = 107;
    static final int ETIMEDOUT = 110;
    static final int ECONNREFUSED = 111;
    static final int EHOSTUNREACH = 113;
    static final int EINPROGRESS = 115;

    private record Entry(String name, String text) {}

    private static final Map<Integer, Entry> TABLE = Map.ofEntries(
            Map.entry(EPERM, new Entry("EPERM", "Operation not permitted")),
            Map.entry(ENOBUFS, new Entry("ENOBUFS", "No buffer space available")),
            Map.entry(ECANCELED, new Entry("ECANCELED", "Operation canceled")),
            Map.entry(ENOENT, new Entry("ENOENT", "No such file or directory")),
            Map.entry(EINTR, new Entry("EINTR", "Interrupted system call")),
            Map.entry(EIO, new Entry("EIO", "Input/output error")),
            Map.entry(ENXIO, new Entry("ENXIO", "No such device or address")),
            Map.entry(EBADF, new Entry("EBADF", "Bad file descriptor")),
            Map.entry(EAGAIN, new Entry("EAGAIN", "Resource temporarily unavailable")),
            Map.entry(ENOMEM, new Entry("ENOMEM", "Cannot allocate memory")),
            Map.entry(EACCES, new Entry("EACCES", "Permission denied")),
            Map.entry(EBUSY, new Entry("EBUSY", "Device or resource busy")),
            Map.entry(EEXIST, new Entry("EEXIST", "File exists")),
            Map.entry(ENODEV, new Entry("ENODEV", "No such device")),
            Map.entry(ENOTDIR, new Entry("ENOTDIR", "Not a directory")),
            Map.entry(EINVAL, new Entry("EINVAL", "Invalid argument")),
            Map.entry(ENFILE, new Entry("ENFILE", "Too many open files in system")),
            Map.entry(EMFILE, new Entry("EMFILE", "Too many open files")),
            Map.entry(ENOTTY, new Entry("ENOTTY", "Inappropriate ioctl for device")),
            Map.entry(ENOSPC, new Entry("ENOSPC", "No space left on device")),
            Map.entry(EROFS, new Entry("EROFS", "Read-only file system")),
            Map.entry(EPIPE, new Entry("EPIPE", "Broken pipe")),
            Map.entry(ENOSYS, new Entry("ENOSYS", "Function not implemented")),
            Map.entry(ENOTSOCK, new Entry("ENOTSOCK", "Socket operation on non-socket")),
            Map.entry(EMSGSIZE, new Entry("EMSGSIZE", "Message too long")),
            Map.entry(EPROTONOSUPPORT, new Entry("EPROTONOSUPPORT", "Protocol not supported")),
            Map.entry(EOPNOTSUPP, new Entry("EOPNOTSUPP", "Operation not supported")),
            Map.entry(EAFNOSUPPORT, new Entry("EAFNOSUPPORT", "Address family not supported by protocol")),
            Map.entry(EADDRINUSE, new Entry("EADDRINUSE", "Address already in use")),
            Map.entry(EADDRNOTAVAIL, new Entry("EADDRNOTAVAIL", "Cannot assign requested address")),
            Map.entry(ENETDOWN, new Entry("ENETDOWN", "Network is down")),
            Map.entry(ECONNABORTED, new Entry("ECONNABORTED", "Software caused connection abort")),
            Map.entry(ECONNRESET, new Entry("ECONNRESET", "Connection reset by peer")),
            Map.entry(ENOTCONN, new Entry("ENOTCONN", "Transport endpoint is not connected")),
            Map.entry(ETIMEDOUT, new Entry("ETIMEDOUT", "Connection timed out")),
            Map.entry(ECONNREFUSED, new Entry("ECONNREFUSED", "Connection refused")),
            Map.entry(EHOSTUNREACH, new Entry("EHOSTUNREACH", "No route to host")),
            Map.entry(EINPROGRESS, new Entry("EINPROGRESS", "Operation now in progress")));

    private Errno() {}

    /** {@code "ENOENT"}, or {@code "errno 123"} for a value not in the table. */
    static String name(int errno) {
        Entry e = TABLE.get(errno);
        return e != null ? e.name() : "errno " + errno;
    }

    /** glibc's text, e.g. {@code "No such file or directory"}, or {@code "Unknown error 123"}. */
    static String text(int errno) {
        Entry e = TABLE.get(errno);
        return e != null ? e.text() : "Unknown error " + errno;
    }
}
