// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * glibc's shared-memory calls, bound with JNA direct mapping like {@link LinuxLibc} (a class of its
 * own so the existing binding stays untouched): mmap/munmap for a UIO device's ring pages, and
 * memfd_create/ftruncate for the host-side emulator's ring memory. Linux values, identical on
 * x86_64 and aarch64.
 */
final class MemLibc {
    static {
        Native.register(MemLibc.class, Platform.C_LIBRARY_NAME);
    }

    private MemLibc() {}

    static final int PROT_READ = 0x1;
    static final int PROT_WRITE = 0x2;
    static final int MAP_SHARED = 0x01;
    static final int MFD_CLOEXEC = 0x1;
    /** mmap's failure value, {@code (void *) -1}. */
    static final long MAP_FAILED = -1L;

    /** mmap(2); returns MAP_FAILED on error (pointer result: not declared to throw, errno read after). */
    static native Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);

    /** munmap(2). */
    static native int munmap(Pointer addr, long length) throws LastErrorException;

    /** memfd_create(2) (glibc 2.27+). */
    static native int memfd_create(String name, int flags) throws LastErrorException;

    /** ftruncate(2). */
    static native int ftruncate(int fd, long length) throws LastErrorException;

    /** getpagesize(2): cannot fail. */
    static native int getpagesize();
}
