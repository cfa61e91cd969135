// SPDX-License-Identifier: Apache-2.0
package org.guestd.freeze;

import org.guestd.jna.linux.FsIoctl;
import org.guestd.jna.linux.NativeException;

/**
 * {@link FsOps} on native's {@link FsIoctl}: where the freeze engine meets the OS, so the only
 * place the errno behind a failure is looked at (through {@link NativeException}'s predicates):
 *
 * <table>
 *   <caption>errno → {@link FsOpException.Kind}</caption>
 *   <tr><th>call</th><th>errno</th><th>kind</th></tr>
 *   <tr><td>FIFREEZE</td><td>EOPNOTSUPP</td><td>NOT_SUPPORTED</td></tr>
 *   <tr><td>FIFREEZE</td><td>EBUSY</td><td>ALREADY_FROZEN</td></tr>
 *   <tr><td>FITHAW</td><td>EINVAL</td><td>NOT_FROZEN</td></tr>
 *   <tr><td>FITRIM</td><td>ENOTTY, EOPNOTSUPP</td><td>NOT_SUPPORTED</td></tr>
 *   <tr><td>open of the mountpoint</td><td>any other</td><td>CANNOT_OPEN</td></tr>
 *   <tr><td>the ioctl</td><td>any other</td><td>OTHER</td></tr>
 * </table>
 * (The order of the checks is qemu-ga's: FIFREEZE and FITHAW look at the errno first, FITRIM at the
 * open first.)
 */
final class NativeFsOps implements FsOps {
    @Override
    public void freeze(String mountpoint) throws FsOpException {
        try {
            FsIoctl.freeze(mountpoint);
        } catch (NativeException e) {
            throw freezeFailure(e);
        }
    }

    @Override
    public void thaw(String mountpoint) throws FsOpException {
        try {
            FsIoctl.thaw(mountpoint);
        } catch (NativeException e) {
            throw thawFailure(e);
        }
    }

    @Override
    public Trimmed trim(String mountpoint, long minimum) throws FsOpException {
        try {
            FsIoctl.TrimRange r = FsIoctl.trim(mountpoint, minimum);
            return new Trimmed(r.trimmed(), r.minimum());
        } catch (NativeException e) {
            throw trimFailure(e);
        }
    }

    static FsOpException freezeFailure(NativeException e) {
        FsOpException.Kind kind;
        if (e.isNotSupported()) {
            kind = FsOpException.Kind.NOT_SUPPORTED;
        } else if (e.isBusy()) {
            kind = FsOpException.Kind.ALREADY_FROZEN;
        } else {
            kind = FsIoctl.failedToOpen(e) ? FsOpException.Kind.CANNOT_OPEN : FsOpException.Kind.OTHER;
        }
        return of(kind, e);
    }

    static FsOpException thawFailure(NativeException e) {
        if (e.isInvalidArgument()) {
            return of(FsOpException.Kind.NOT_FROZEN, e);
        }
        return of(FsIoctl.failedToOpen(e) ? FsOpException.Kind.CANNOT_OPEN : FsOpException.Kind.OTHER, e);
    }

    static FsOpException trimFailure(NativeException e) {
        if (FsIoctl.failedToOpen(e)) {
            return of(FsOpException.Kind.CANNOT_OPEN, e);
        }
        if (e.isInappropriateIoctl() || e.isNotSupported()) {
            return of(FsOpException.Kind.NOT_SUPPORTED, e);
        }
        return of(FsOpException.Kind.OTHER, e);
    }

    private static FsOpException of(FsOpException.Kind kind, NativeException e) {
        return new FsOpException(kind, e.errnoText(), e.getMessage(), e);
    }
}
