// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The NVMe admin ioctl's failure paths (no NVMe device is needed, nothing is written). */
class NvmeTest {
    @Test
    void ioctlEncoding() {
        long dir = 3L << 30; // _IOC_READ | _IOC_WRITE
        assertEquals(dir | ((long) Nvme.CMD_SIZE << 16) | ('N' << 8) | 0x41, Nvme.NVME_IOCTL_ADMIN_CMD);
    }

    @Test
    void aDeviceThatIsNotNvmeRefusesTheCommand() {
        NativeException e = assertThrows(NativeException.class, () -> Nvme.smartLog("/dev/null"));
        assertEquals("ENOTTY", e.errnoName());
        assertEquals("ioctl(/dev/null, NVME_IOCTL_ADMIN_CMD)", e.call());
    }

    @Test
    void aMissingNodeFailsToOpen() {
        NativeException e = assertThrows(NativeException.class, () -> Nvme.smartLog("/nonexistent/nvme9n9"));
        assertEquals("ENOENT", e.errnoName());
    }
}
