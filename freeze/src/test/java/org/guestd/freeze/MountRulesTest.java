// SPDX-License-Identifier: Apache-2.0
package org.guestd.freeze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.guestd.core.testing.FixtureTree;
import org.guestd.os.MountInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountRulesTest {
    static final String MOUNTINFO = String.join("\n",
            "21 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro",
            "22 21 0:5 / /proc rw,nosuid - proc proc rw",
            "23 21 0:20 / /run rw,nosuid shared:5 - tmpfs tmpfs rw,size=100k",
            "24 21 8:2 / /home rw,relatime - xfs /dev/sda2 rw",
            "25 24 8:3 / /home/data rw - ext4 /dev/sda3 rw",
            "26 21 8:2 /sub /srv/bind rw - xfs /dev/sda2 rw",
            "27 21 0:40 / /mnt/nfs rw - nfs4 server:/export rw",
            "28 21 8:4 / /boot/efi rw - vfat /dev/sda4 rw",
            "29 21 8:5 / /mnt/ro ro,relatime - ext4 /dev/sda5 rw",
            "30 21 7:0 / /mnt/loop rw - ext4 /dev/loop0 rw",
            "31 21 0:45 / /mnt/btrfs rw - btrfs /dev/sdb rw",
            "32 21 0:46 / /mnt/fuse rw - fuse.sshfs host:/ rw",
            "33 21 8:6 / /mnt/over rw - ext4 /dev/sda6 rw",
            "34 21 8:7 / /mnt/over rw - ext4 /dev/sda7 rw",
            "35 21 8:8 / /mnt/with\\040space rw - ext4 /dev/sda8 rw",
            "36 21 8:9 / /mnt/blkfuse rw - fuseblk /dev/sda9 rw",
            "37 21 253:0 / /mnt/dm rw - ext4 /dev/mapper/vg-lv rw",
            "garbage line",
            "");

    @TempDir
    Path tmp;

    private MountRules rules(boolean skipLoop) {
        FixtureTree t = new FixtureTree(tmp).mkdirs("sys/dev/block/7:0/loop")
                .mkdirs("sys/dev/block/7:1/loop").mkdirs("sys/dev/block/253:0/slaves")
                .symlink("sys/dev/block/253:0/slaves/loop1", "../../7:1");
        return new MountRules(t.paths(), skipLoop, node -> node.equals("/dev/sdb") ? new int[] {8, 16} : null);
    }

    private static List<Mount> mounts() {
        return MountTable.of(MountInfo.parse(MOUNTINFO.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> names(List<Mount> ms) {
        return ms.stream().map(Mount::mountpoint).collect(Collectors.toList());
    }

    @Test
    void parsesMountinfoWithEscapesAndSkipsMalformedLines() {
        List<Mount> ms = mounts();
        assertEquals(17, ms.size());
        Mount space = ms.get(14);
        assertEquals("/mnt/with space", space.mountpoint());
        assertEquals("8:8", space.device());
        Mount bind = ms.get(5);
        assertEquals("/sub", bind.root());
        assertEquals("xfs", bind.fsType());
        assertTrue(ms.get(8).readOnly());
        assertEquals("rw,errors=remount-ro", ms.get(0).superOptions());
        assertEquals(21, ms.get(1).parentId());
    }

    @Test
    void freezeEverythingSkipsWhatCannotBeFrozenReverseOrderRootLast() {
        MountRules.Plan p = rules(true).freezePlan(mounts(), null);
        assertEquals(List.of("/mnt/with space", "/mnt/over", "/mnt/btrfs", "/home/data", "/home", "/"),
                names(p.freeze()));
        Map<String, String> why = new LinkedHashMap<>();
        p.skipped().forEach(s -> why.put(s.mount().mountpoint() + "@" + s.mount().device(), s.reason()));
        assertTrue(why.get("/proc@0:5").startsWith("no block device"));
        assertTrue(why.get("/run@0:20").startsWith("no block device"));
        assertTrue(why.get("/mnt/nfs@0:40").startsWith("no block device"));
        assertTrue(why.get("/srv/bind@8:2").startsWith("same filesystem (device 8:2) as /home"));
        assertTrue(why.get("/boot/efi@8:4").startsWith("vfat"));
        assertTrue(why.get("/mnt/ro@8:5").startsWith("read-only"));
        assertTrue(why.get("/mnt/loop@7:0").startsWith("on a loop device"));
        assertTrue(why.get("/mnt/dm@253:0").startsWith("on a loop device"), "dm stacked on a loop");
        assertTrue(why.get("/mnt/fuse@0:46").startsWith("no block device"));
        assertTrue(why.get("/mnt/blkfuse@8:9").startsWith("network or user-space"));
        assertTrue(why.get("/mnt/over@8:6").startsWith("over-mounted"));
        assertEquals(List.of(), p.unknown());
    }

    @Test
    void loopDevicesAreFrozenWhenTheRuleIsOff() {
        List<String> got = names(rules(false).freezePlan(mounts(), null).freeze());
        assertEquals(List.of("/mnt/dm", "/mnt/with space", "/mnt/over", "/mnt/btrfs", "/mnt/loop", "/home/data",
                "/home", "/"), got);
    }

    @Test
    void explicitListKeepsMountOrderHonoursLoopsAndReportsUnknownPaths() {
        MountRules.Plan p = rules(true).freezePlan(mounts(),
                List.of("/", "/mnt/loop/", "/home", "/not/mounted", "/proc"));
        assertEquals(List.of("/mnt/loop", "/home", "/"), names(p.freeze()));
        assertEquals(List.of("/not/mounted"), p.unknown());
        assertEquals(1, p.skipped().size(), "/proc named but not freezable");
    }

    @Test
    void trimListIsQemuGasBlockDeviceMountsInReverseOrder() {
        List<String> got = names(rules(true).trimList(mounts()));
        assertEquals(List.of("/mnt/dm", "/mnt/blkfuse", "/mnt/with space", "/mnt/over", "/mnt/over", "/mnt/btrfs",
                "/mnt/loop", "/mnt/ro", "/boot/efi", "/srv/bind", "/home/data", "/home", "/"), got);
    }
}
