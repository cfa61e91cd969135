// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountTableTest {
    private static List<MountTable.Entry> mi(String s) {
        return MountTable.parseMountinfo(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void liveLinesWithOptionalFields() {
        List<MountTable.Entry> l = mi("27 1 254:0 / / rw,relatime shared:1 master:2 - ext4 /dev/vda rw,discard\n"
                + "22 27 0:21 / /proc rw,relatime - proc proc rw\n");
        assertEquals(new MountTable.Entry(254, 0, "/", "ext4", "/dev/vda"), l.get(0));
        assertEquals(new MountTable.Entry(0, 21, "/proc", "proc", "proc"), l.get(1));
    }

    @Test
    void octalEscapesAreDecoded() {
        MountTable.Entry e = mi("40 27 8:1 / /mnt/a\\040b\\011c\\134d\\\\e\\477 rw - vfat /dev/sd\\040a1 rw\n").get(0);
        assertEquals("/mnt/a b\tc\\d\\e\\477", e.mountpoint());
        assertEquals("/dev/sd a1", e.source());
        assertEquals("/mnt/caf\u00e9", MountTable.decodeMntname("/mnt/caf\\303\\251"));
    }

    @Test
    void malformedLinesAreSkippedLikeSscanf() {
        assertEquals(List.of(), mi("27 1 254:0 / /\n")); // no " - "
        assertEquals(List.of(), mi("x 1 254:0 / / rw - ext4 /dev/vda rw\n"));
        assertEquals(List.of(), mi("27 1 254-0 / / rw - ext4 /dev/vda rw\n"));
        assertEquals(List.of(), mi("27 1 254:0 / / rw - ext4\n")); // no source
        // a last line without newline that ends right after the source has no %c: dropped
        assertEquals(List.of(), mi("27 1 254:0 / / rw - ext4 /dev/vda"));
        assertEquals(1, mi("27 1 254:0 / / rw - ext4 /dev/vda rw").size());
        assertNull(MountTable.parseMountinfoLine("27 1 254:0 / /"));
    }

    @Test
    void mountsFallbackLikeGetmntent() {
        List<MountTable.MntEnt> l = MountTable.parseMounts(("# comment\n\n/dev/vda / ext4 rw 0 0\n"
                + "  /dev/vdb\t/mnt/x\\040y xfs rw 0 0\nbroken\n").getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(new MountTable.MntEnt("/dev/vda", "/", "ext4"),
                new MountTable.MntEnt("/dev/vdb", "/mnt/x y", "xfs")), l);
    }
}
