// SPDX-License-Identifier: Apache-2.0
package org.guestd.freeze;

import org.guestd.jna.linux.FsIoctl;
import org.guestd.jna.linux.NativeException;

/**
 * The filesystem ioctls the engine issues, one interface so tests substitute a fake that records
 * calls and fails the Nth one, and no unit test ever reaches a real filesystem.
 */
public interface FsOps {
    /** FIFREEZE; {@link NativeException#errno()} tells EBUSY / EOPNOTSUPP apart. */
    void freeze(String mountpoint) throws NativeException;

    /** FITHAW; EINVAL when not frozen. */
    void thaw(String mountpoint) throws NativeException;

    /** FITRIM over the whole filesystem. */
    FsIoctl.TrimRange trim(String mountpoint, long minimum) throws NativeException;

    /** The real ioctls through JNA. */
    FsOps NATIVE = new FsOps() {
        @Override
        public void freeze(String mountpoint) throws NativeException {
            FsIoctl.freeze(mountpoint);
        }

        @Override
        public void thaw(String mountpoint) throws NativeException {
            FsIoctl.thaw(mountpoint);
        }

        @Override
        public FsIoctl.TrimRange trim(String mountpoint, long minimum) throws NativeException {
            return FsIoctl.trim(mountpoint, minimum);
        }
    };
}
