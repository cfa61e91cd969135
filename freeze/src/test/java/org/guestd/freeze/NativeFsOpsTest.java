// SPDX-License-Identifier: Apache-2.0
package org.guestd.freeze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.guestd.freeze.FsOpException.Kind;
import org.guestd.jna.linux.NativeException;
import org.junit.jupiter.api.Test;

/** The errno → {@link Kind} table where the engine meets native's FsIoctl (no ioctl is issued). */
class NativeFsOpsTest {
    private static NativeException ioctl(String name, int errno) {
        return new NativeException(name + "(/srv)", errno);
    }

    private static NativeException open(int errno) {
        return new NativeException("open(/srv)", errno);
    }

    @Test
    void freezeFailures() {
        assertEquals(Kind.NOT_SUPPORTED, NativeFsOps.freezeFailure(ioctl("FIFREEZE", FakeFsOps.EOPNOTSUPP)).kind());
        assertEquals(Kind.ALREADY_FROZEN, NativeFsOps.freezeFailure(ioctl("FIFREEZE", FakeFsOps.EBUSY)).kind());
        assertEquals(Kind.OTHER, NativeFsOps.freezeFailure(ioctl("FIFREEZE", FakeFsOps.EIO)).kind());
        assertEquals(Kind.OTHER, NativeFsOps.freezeFailure(ioctl("FIFREEZE", FakeFsOps.EINVAL)).kind());
        assertEquals(Kind.CANNOT_OPEN, NativeFsOps.freezeFailure(open(FakeFsOps.ENOENT)).kind());
    }

    @Test
    void thawFailures() {
        assertEquals(Kind.NOT_FROZEN, NativeFsOps.thawFailure(ioctl("FITHAW", FakeFsOps.EINVAL)).kind());
        assertEquals(Kind.OTHER, NativeFsOps.thawFailure(ioctl("FITHAW", FakeFsOps.EIO)).kind());
        assertEquals(Kind.CANNOT_OPEN, NativeFsOps.thawFailure(open(FakeFsOps.ENOENT)).kind());
    }

    @Test
    void trimFailures() {
        assertEquals(Kind.NOT_SUPPORTED, NativeFsOps.trimFailure(ioctl("FITRIM", FakeFsOps.ENOTTY)).kind());
        assertEquals(Kind.NOT_SUPPORTED, NativeFsOps.trimFailure(ioctl("FITRIM", FakeFsOps.EOPNOTSUPP)).kind());
        assertEquals(Kind.OTHER, NativeFsOps.trimFailure(ioctl("FITRIM", FakeFsOps.EBUSY)).kind());
        // an open failing with what would be "not supported" for the ioctl is still an open failure
        assertEquals(Kind.CANNOT_OPEN, NativeFsOps.trimFailure(open(FakeFsOps.ENOTTY)).kind());
    }

    @Test
    void carriesTheOsTextAndTheNativeFailure() {
        NativeException cause = ioctl("FIFREEZE", FakeFsOps.EIO);
        FsOpException e = NativeFsOps.freezeFailure(cause);
        assertEquals("Input/output error", e.osText());
        assertEquals("FIFREEZE(/srv) failed: EIO (Input/output error)", e.getMessage());
        assertSame(cause, e.getCause());
        assertEquals("Device or resource busy", NativeFsOps.freezeFailure(ioctl("FIFREEZE", FakeFsOps.EBUSY)).osText());
    }
}
