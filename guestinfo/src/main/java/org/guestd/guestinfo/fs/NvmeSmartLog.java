// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.fs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.guestd.guestinfo.GuestInfo.NvmeSmart;
import org.guestd.guestinfo.GuestInfo.U128;

/**
 * The NVMe SMART / Health Information log page (NVMe base specification, log identifier 02h) as
 * qemu's {@code NvmeSmartLog} lays it out, little-endian: critical warning (byte 0), composite
 * temperature (u16 at 1), available spare (3), its threshold (4), percentage used (5), then from
 * byte 32 ten 128-bit counters (data units read/written, host read/write commands, controller
 * busy time, power cycles, power-on hours, unsafe shutdowns, media errors, error log entries).
 */
public final class NvmeSmartLog {
    /** The page size qemu-ga asks for. */
    public static final int SIZE = 512;

    private NvmeSmartLog() {}

    /** The parsed page, or null when fewer than 192 bytes (the last counter's end) were given. */
    public static NvmeSmart parse(byte[] page) {
        if (page == null || page.length < 192) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
        U128[] c = new U128[10];
        for (int i = 0; i < c.length; i++) {
            int off = 32 + 16 * i;
            c[i] = new U128(b.getLong(off), b.getLong(off + 8));
        }
        return new NvmeSmart(page[0] & 0xff, b.getShort(1) & 0xffff, page[3] & 0xff, page[4] & 0xff,
                page[5] & 0xff, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9]);
    }
}
