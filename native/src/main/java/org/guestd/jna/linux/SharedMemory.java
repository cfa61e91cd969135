// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;

/**
 * Memory shared with another party through a descriptor: a UIO device's ring pages (mapped from
 * {@code /dev/uioN}) or a memfd standing in for them. A {@link Mapping} is a direct
 * {@link ByteBuffer} over the pages; its owner must make sure nothing touches the buffer after
 * {@link Mapping#close()} (an access to unmapped memory ends the JVM).
 */
public final class SharedMemory {
    private SharedMemory() {}

    /** The system page size (4096 on x86_64; 4, 16 or 64 KiB on aarch64). */
    public static int pageSize() {
        return MemLibc.getpagesize();
    }

    /**
     * A new anonymous memory file of {@code size} zero bytes (memfd_create with MFD_CLOEXEC, then
     * ftruncate).
     */
    public static int memfd(String name, long size) throws NativeException {
        String call = "memfd_create(" + name + ")";
        LinuxNative.ensure(call);
        int fd;
        try {
            fd = MemLibc.memfd_create(name, MemLibc.MFD_CLOEXEC);
        } catch (LastErrorException e) {
            throw NativeException.of(call, e);
        }
        try {
            MemLibc.ftruncate(fd, size);
        } catch (LastErrorException e) {
            KernelEvents.closeQuietly(fd);
            throw NativeException.of("ftruncate(" + name + ", " + size + ")", e);
        }
        return fd;
    }

    /**
     * Maps {@code length} bytes of {@code fd} from {@code offset} read-write and shared
     * (PROT_READ|PROT_WRITE, MAP_SHARED). The descriptor may be closed afterwards; the mapping stays.
     */
    public static Mapping map(int fd, long length, long offset) throws NativeException {
        String call = "mmap(fd " + fd + ", " + length + " bytes at " + offset + ")";
        LinuxNative.ensure(call);
        if (length <= 0 || length > Integer.MAX_VALUE) {
            throw new NativeException(call, Errno.EINVAL);
        }
        Pointer p = MemLibc.mmap(null, length, MemLibc.PROT_READ | MemLibc.PROT_WRITE, MemLibc.MAP_SHARED, fd, offset);
        if (p == null || Pointer.nativeValue(p) == MemLibc.MAP_FAILED) {
            int errno = Native.getLastError();
            throw new NativeException(call, errno == 0 ? Errno.EINVAL : errno);
        }
        return new Mapping(p, length);
    }

    /** A mapped region. */
    public static final class Mapping implements AutoCloseable {
        private final Pointer address;
        private final long length;
        private final ByteBuffer buffer;
        private boolean closed;

        private Mapping(Pointer address, long length) {
            this.address = address;
            this.length = length;
            this.buffer = address.getByteBuffer(0, length);
        }

        /**
         * The whole region as a direct buffer (native byte order as created; callers pick their
         * order per view). Its address is page-aligned, so aligned VarHandle views allow atomic access.
         */
        public ByteBuffer buffer() {
            return buffer.duplicate();
        }

        /** The mapped length in bytes. */
        public long length() {
            return length;
        }

        /** munmap. Idempotent; the buffers must no longer be used. */
        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                try {
                    MemLibc.munmap(address, length);
                } catch (LastErrorException e) {
                    // nothing sensible to do: the region stays mapped
                }
            }
        }
    }
}
