// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * guestd's one errno table: names and glibc {@code strerror} texts (C locale) of the Linux errno
 * values guestd meets (asm-generic numbering, shared by x86_64 and aarch64). Every text guestd
 * sends that qemu-ga or a Hyper-V daemon builds with {@code strerror} comes from here.
 *
 * <p>Public are the texts and the translation of Java's I/O exceptions (which carry no errno) into
 * errno values and texts; the numeric constants stay package-private, so no module outside
 * {@code native} compares errno integers (a caller asks {@link NativeException}'s predicates, or
 * its own failure type, instead). A number may still travel as data: qemu-ga reports some as
 * {@code error-code}.
 */
public final class Errno {
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int ESRCH = 3;
    static final int EINTR = 4;
    static final int EIO = 5;
    static final int ENXIO = 6;
    static final int E2BIG = 7;
    static final int ENOEXEC = 8;
    static final int EBADF = 9;
    static final int ECHILD = 10;
    static final int EAGAIN = 11;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int EFAULT = 14;
    static final int EBUSY = 16;
    static final int EEXIST = 17;
    static final int EXDEV = 18;
    static final int ENODEV = 19;
    static final int ENOTDIR = 20;
    static final int EISDIR = 21;
    static final int EINVAL = 22;
    static final int ENFILE = 23;
    static final int EMFILE = 24;
    static final int ENOTTY = 25;
    static final int ETXTBSY = 26;
    static final int EFBIG = 27;
    static final int ENOSPC = 28;
    static final int ESPIPE = 29;
    static final int EROFS = 30;
    static final int EPIPE = 32;
    static final int ERANGE = 34;
    static final int ENAMETOOLONG = 36;
    static final int ENOSYS = 38;
    static final int ENOTEMPTY = 39;
    static final int ELOOP = 40;
    static final int EDQUOT = 122;
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
            Map.entry(ESRCH, new Entry("ESRCH", "No such process")),
            Map.entry(EINTR, new Entry("EINTR", "Interrupted system call")),
            Map.entry(EIO, new Entry("EIO", "Input/output error")),
            Map.entry(ENXIO, new Entry("ENXIO", "No such device or address")),
            Map.entry(E2BIG, new Entry("E2BIG", "Argument list too long")),
            Map.entry(ENOEXEC, new Entry("ENOEXEC", "Exec format error")),
            Map.entry(EBADF, new Entry("EBADF", "Bad file descriptor")),
            Map.entry(ECHILD, new Entry("ECHILD", "No child processes")),
            Map.entry(EAGAIN, new Entry("EAGAIN", "Resource temporarily unavailable")),
            Map.entry(ENOMEM, new Entry("ENOMEM", "Cannot allocate memory")),
            Map.entry(EACCES, new Entry("EACCES", "Permission denied")),
            Map.entry(EFAULT, new Entry("EFAULT", "Bad address")),
            Map.entry(EBUSY, new Entry("EBUSY", "Device or resource busy")),
            Map.entry(EEXIST, new Entry("EEXIST", "File exists")),
            Map.entry(EXDEV, new Entry("EXDEV", "Invalid cross-device link")),
            Map.entry(ENODEV, new Entry("ENODEV", "No such device")),
            Map.entry(ENOTDIR, new Entry("ENOTDIR", "Not a directory")),
            Map.entry(EISDIR, new Entry("EISDIR", "Is a directory")),
            Map.entry(EINVAL, new Entry("EINVAL", "Invalid argument")),
            Map.entry(ENFILE, new Entry("ENFILE", "Too many open files in system")),
            Map.entry(EMFILE, new Entry("EMFILE", "Too many open files")),
            Map.entry(ENOTTY, new Entry("ENOTTY", "Inappropriate ioctl for device")),
            Map.entry(ETXTBSY, new Entry("ETXTBSY", "Text file busy")),
            Map.entry(EFBIG, new Entry("EFBIG", "File too large")),
            Map.entry(ENOSPC, new Entry("ENOSPC", "No space left on device")),
            Map.entry(ESPIPE, new Entry("ESPIPE", "Illegal seek")),
            Map.entry(EROFS, new Entry("EROFS", "Read-only file system")),
            Map.entry(EPIPE, new Entry("EPIPE", "Broken pipe")),
            Map.entry(ERANGE, new Entry("ERANGE", "Numerical result out of range")),
            Map.entry(ENAMETOOLONG, new Entry("ENAMETOOLONG", "File name too long")),
            Map.entry(ENOSYS, new Entry("ENOSYS", "Function not implemented")),
            Map.entry(ENOTEMPTY, new Entry("ENOTEMPTY", "Directory not empty")),
            Map.entry(ELOOP, new Entry("ELOOP", "Too many levels of symbolic links")),
            Map.entry(EDQUOT, new Entry("EDQUOT", "Disk quota exceeded")),
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

    /** strerror text → errno, for the reasons the JDK copies from {@code strerror} into its exceptions. */
    private static final Map<String, Integer> BY_TEXT = new HashMap<>();

    static {
        TABLE.forEach((errno, e) -> BY_TEXT.put(e.text(), errno));
    }

    private Errno() {}

    /** {@code "ENOENT"}, or {@code "errno 123"} for a value not in the table. */
    public static String name(int errno) {
        Entry e = TABLE.get(errno);
        return e != null ? e.name() : "errno " + errno;
    }

    /** glibc's text, e.g. {@code "No such file or directory"}, or {@code "Unknown error 123"}. */
    public static String text(int errno) {
        Entry e = TABLE.get(errno);
        return e != null ? e.text() : "Unknown error " + errno;
    }

    /**
     * The errno a Java I/O failure stands for: from the exception's type (no such file, access
     * denied, not a directory, exists, loop, not empty), else from the {@code strerror} text the
     * JDK put in its reason (or message); EIO when neither tells.
     */
    public static int of(IOException e) {
        Integer byType = byType(e);
        if (byType != null) {
            return byType;
        }
        String text = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        Integer n = text == null ? null : BY_TEXT.get(text.trim());
        return n == null ? EIO : n;
    }

    /**
     * The {@code strerror} text of a Java I/O failure, as far as Java exposes it: the text of the
     * errno its type stands for, else the JDK's reason (which is {@code strerror}'s text), else the
     * message, else the exception's simple class name. This is what qemu-ga's
     * {@code error_setg_errno} appends ({@code "<message>: <strerror>"}).
     */
    public static String describe(IOException e) {
        Integer byType = byType(e);
        if (byType != null) {
            return text(byType);
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        String m = e.getMessage();
        return m == null || m.isEmpty() ? e.getClass().getSimpleName() : m;
    }

    /** The errno values the table knows (for tests). */
    static Set<Integer> known() {
        return TABLE.keySet();
    }

    /** {@code "<what>: <strerror>"}, the shape of qemu-ga's {@code error_setg_errno} texts. */
    public static String message(String what, IOException e) {
        return what + ": " + describe(e);
    }

    private static Integer byType(IOException e) {
        if (e instanceof NoSuchFileException) {
            return ENOENT;
        }
        if (e instanceof AccessDeniedException) {
            return EACCES;
        }
        if (e instanceof NotDirectoryException) {
            return ENOTDIR;
        }
        if (e instanceof FileAlreadyExistsException) {
            return EEXIST;
        }
        if (e instanceof FileSystemLoopException) {
            return ELOOP;
        }
        if (e instanceof DirectoryNotEmptyException) {
            return ENOTEMPTY;
        }
        return null;
    }
}
