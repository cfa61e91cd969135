// SPDX-License-Identifier: Apache-2.0
package org.guestd.freeze;

/**
 * The filesystem ioctls the engine issues, one interface so tests substitute a fake that records
 * calls and fails the Nth one, and no unit test ever reaches a real filesystem. Failures are the
 * engine's own {@link FsOpException}s; {@link #NATIVE} maps the OS's errno values onto them.
 */
public interface FsOps {
    /** What FITRIM reports: bytes trimmed and the minimum extent length the kernel used. */
    record Trimmed(long trimmed, long minimum) {}

    /** FIFREEZE; ALREADY_FROZEN and NOT_SUPPORTED are told apart from other failures. */
    void freeze(String mountpoint) throws FsOpException;

    /** FITHAW; NOT_FROZEN when the filesystem is not frozen (any more). */
    void thaw(String mountpoint) throws FsOpException;

    /** FITRIM over the whole filesystem with extents of at least {@code minimum} bytes. */
    Trimmed trim(String mountpoint, long minimum) throws FsOpException;

    /** The real ioctls through native's {@code FsIoctl}. */
    FsOps NATIVE = new NativeFsOps();
}
