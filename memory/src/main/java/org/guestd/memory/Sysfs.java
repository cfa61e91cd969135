// SPDX-License-Identifier: Apache-2.0
package org.guestd.memory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Reads and writes sysfs attributes the way qemu-ga does (open, one pread/pwrite at offset 0),
 * turning Java's exceptions back into errno values, which qemu-ga reports to the host as
 * {@code error-code} and in its error texts. Not final: tests override it to make the "kernel"
 * refuse a write (EBUSY when a block cannot be offlined).
 */
class Sysfs {
    static final int ENOENT = 2;
    static final int EIO = 5;
    static final int EACCES = 13;
    static final int ENOTDIR = 20;

    /** glibc strerror texts → errno, for the errors sysfs and NIO report. */
    private static final Map<String, Integer> ERRNO = Map.ofEntries(
            Map.entry("Operation not permitted", 1),
            Map.entry("No such file or directory", ENOENT),
            Map.entry("Input/output error", EIO),
            Map.entry("No such device or address", 6),
            Map.entry("Resource temporarily unavailable", 11),
            Map.entry("Cannot allocate memory", 12),
            Map.entry("Permission denied", EACCES),
            Map.entry("Device or resource busy", 16),
            Map.entry("File exists", 17),
            Map.entry("No such device", 19),
            Map.entry("Not a directory", ENOTDIR),
            Map.entry("Is a directory", 21),
            Map.entry("Invalid argument", 22),
            Map.entry("No space left on device", 28),
            Map.entry("Read-only file system", 30),
            Map.entry("Numerical result out of range", 34),
            Map.entry("Function not implemented", 38),
            Map.entry("Operation not supported", 95),
            Map.entry("Connection timed out", 110));

    /** Reads at most {@code max} bytes from offset 0 (qemu-ga's {@code ga_read_sysfs_file}). */
    byte[] read(Path file, int max) throws SysfsException {
        SeekableByteChannel ch;
        try {
            ch = Files.newByteChannel(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw fail(SysfsException.Op.OPEN, e);
        }
        try (ch) {
            ByteBuffer b = ByteBuffer.allocate(max);
            int n = ch.read(b);
            if (n <= 0) {
                throw new SysfsException(SysfsException.Op.PREAD, 0, "unexpected EOF");
            }
            byte[] out = new byte[n];
            b.flip().get(out);
            return out;
        } catch (IOException e) {
            throw fail(SysfsException.Op.PREAD, e);
        }
    }

    /** Writes {@code value} at offset 0 of an existing attribute (O_WRONLY, no O_CREAT). */
    void write(Path file, String value) throws SysfsException {
        SeekableByteChannel ch;
        try {
            ch = Files.newByteChannel(file, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw fail(SysfsException.Op.OPEN, e);
        }
        try (ch) {
            ch.write(ByteBuffer.wrap(value.getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            throw fail(SysfsException.Op.PWRITE, e);
        }
    }

    /** Opens {@code file} O_RDWR; the caller reads and writes through the channel. */
    SeekableByteChannel openReadWrite(Path file) throws SysfsException {
        try {
            return Files.newByteChannel(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw fail(SysfsException.Op.OPEN, e);
        }
    }

    static SysfsException fail(SysfsException.Op op, IOException e) {
        int errno = errno(e);
        return new SysfsException(op, errno, strerror(errno, e));
    }

    /** The errno an I/O exception stands for (EIO when it cannot be told). */
    static int errno(IOException e) {
        if (e instanceof NoSuchFileException) {
            return ENOENT;
        }
        if (e instanceof AccessDeniedException) {
            return EACCES;
        }
        if (e instanceof NotDirectoryException) {
            return ENOTDIR;
        }
        String text = e instanceof FileSystemException ? ((FileSystemException) e).getReason() : e.getMessage();
        Integer n = text == null ? null : ERRNO.get(text.trim());
        return n == null ? EIO : n;
    }

    /** strerror's text for {@code errno}. */
    static String strerror(int errno, IOException e) {
        for (Map.Entry<String, Integer> en : ERRNO.entrySet()) {
            if (en.getValue() == errno) {
                return en.getKey();
            }
        }
        return e != null && e.getMessage() != null ? e.getMessage() : "Unknown error " + errno;
    }
}
