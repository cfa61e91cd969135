// SPDX-License-Identifier: Apache-2.0
package org.guestd.memory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.guestd.jna.linux.Errno;

/**
 * Reads and writes sysfs attributes the way qemu-ga does (open, one pread/pwrite at offset 0),
 * turning Java's exceptions back into errno values (native's {@link Errno} table), which qemu-ga
 * reports to the host as {@code error-code} and in its error texts. Not final: tests override it
 * to make the "kernel" refuse a write (EBUSY when a block cannot be offlined).
 */
class Sysfs {
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
                throw new SysfsException(SysfsException.Op.PREAD, 0, "unexpected EOF", false);
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
        int errno = Errno.of(e);
        return new SysfsException(op, errno, Errno.text(errno), e instanceof NoSuchFileException);
    }

    /**
     * The errno opendir(3) gives for a path that is not a directory: ENOTDIR when something else
     * is there, ENOENT when nothing is.
     */
    static int notADirectory(Path p, LinkOption... options) {
        String name = p.toString();
        return Errno.of(Files.exists(p, options) ? new NotDirectoryException(name) : new NoSuchFileException(name));
    }
}
