// SPDX-License-Identifier: Apache-2.0
package org.guestd.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.guestd.core.testing.FixtureTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one mountinfo reader: the cases of guestinfo's and freeze's former parsers, and the file. */
class MountInfoTest {
    @TempDir
    Path tmp;

    private static List<MountInfo.Entry> mi(String s) {
        return MountInfo.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> mountpoints(List<MountInfo.Entry> l) {
        return l.stream().map(MountInfo.Entry::mountpoint).toList();
    }

    @Test
    void everyFieldOfLiveLinesWithAndWithoutOptionalFields() {
        List<MountInfo.Entry> l = mi("27 1 254:0 / / rw,relatime shared:1 master:2 - ext4 /dev/vda rw,discard\n"
                + "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
                + "26 27 8:2 /sub /srv/bind rw - xfs /dev/sda2 rw\n");
        assertEquals(new MountInfo.Entry(27, 1, 254, 0, "/", "/", "rw,relatime", List.of("shared:1", "master:2"),
                "ext4", "/dev/vda", "rw,discard"), l.get(0));
        assertEquals(new MountInfo.Entry(22, 27, 0, 21, "/", "/proc", "rw,relatime", List.of(), "proc", "proc", "rw"),
                l.get(1));
        assertEquals("/sub", l.get(2).root(), "a bind mount of a subdirectory");
    }

    @Test
    void fileOrderIsKeptWithOverMountsAndDuplicates() {
        List<MountInfo.Entry> l = mi("33 21 8:6 / /mnt/over rw - ext4 /dev/sda6 rw\n"
                + "24 21 8:2 / /home rw - xfs /dev/sda2 rw\n"
                + "34 21 8:7 / /mnt/over rw - ext4 /dev/sda7 rw\n");
        assertEquals(List.of("/mnt/over", "/home", "/mnt/over"), mountpoints(l));
        assertEquals(List.of(6L, 2L, 7L), l.stream().map(MountInfo.Entry::minor).toList());
    }

    @Test
    void octalEscapesAreDecodedAsQemuGaDoes() {
        MountInfo.Entry e = mi("40 27 8:1 / /mnt/a\\040b\\011c\\134d\\\\e\\477 rw - vfat /dev/sd\\040a1 rw\n").get(0);
        assertEquals("/mnt/a b\tc\\d\\e\\477", e.mountpoint(), "\\\\ is one backslash; \\477 has no 0-3 first digit");
        assertEquals("/dev/sd a1", e.source());
        assertEquals("/mnt/with space", mi("35 21 8:8 / /mnt/with\\040space rw - ext4 /dev/sda8 rw\n").get(0).mountpoint());
        assertEquals("/mnt/caf\u00e9", MountInfo.decodeMntname("/mnt/caf\\303\\251"), "escaped UTF-8 bytes");
        assertEquals("/mnt/caf\u00e9", mi("41 27 8:1 / /mnt/caf\u00e9 rw - ext4 /dev/sda1 rw\n").get(0).mountpoint(),
                "raw UTF-8 bytes");
    }

    @Test
    void malformedLinesAreSkippedLikeSscanf() {
        assertEquals(List.of(), mi("27 1 254:0 / /\n")); // no " - "
        assertEquals(List.of(), mi("1 2 3:4 / /x rw no-dash-here ext4 /dev/x rw\n"));
        assertEquals(List.of(), mi("x 1 254:0 / / rw - ext4 /dev/vda rw\n"));
        assertEquals(List.of(), mi("27 1 254-0 / / rw - ext4 /dev/vda rw\n"));
        assertEquals(List.of(), mi("27 1 254:0 / / rw - ext4\n")); // no source
        assertEquals(List.of(), mi("garbage line\n\n"));
        // a last line without newline that ends right after the source has no %c: dropped
        assertEquals(List.of(), mi("27 1 254:0 / / rw - ext4 /dev/vda"));
        assertEquals(1, mi("27 1 254:0 / / rw - ext4 /dev/vda rw").size());
        assertNull(MountInfo.parseLine("27 1 254:0 / /"));
        // the good lines around bad ones are kept, in order
        assertEquals(List.of("/a", "/b"), mountpoints(mi("1 0 8:1 / /a rw - ext4 /dev/a rw\ngarbage line\n"
                + "\n2 0 8:2 / /b rw - ext4 /dev/b rw\n")));
    }

    @Test
    void aLineWithoutSuperOptionsHasEmptyOnes() {
        MountInfo.Entry e = mi("27 1 254:0 / / rw - ext4 /dev/vda\n").get(0);
        assertEquals("", e.superOptions());
        assertEquals("/dev/vda", e.source());
    }

    @Test
    void readsTheProcRootOfTheInjectedPaths() throws Exception {
        FixtureTree t = new FixtureTree(tmp).file("proc/self/mountinfo",
                "21 1 8:1 / / rw - ext4 /dev/sda1 rw\n22 21 0:5 / /proc rw - proc proc rw\n");
        assertEquals(List.of("/", "/proc"), mountpoints(MountInfo.read(t.paths())));
        FixtureTree empty = new FixtureTree(tmp.resolve("empty"));
        assertThrows(NoSuchFileException.class, () -> MountInfo.read(empty.paths()));
    }

    @Test
    void mountsFallbackLikeGetmntent() {
        List<MountInfo.MntEnt> l = MountInfo.parseMounts(("# comment\n\n/dev/vda / ext4 rw 0 0\n"
                + "  /dev/vdb\t/mnt/x\\040y xfs rw 0 0\nbroken\n").getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(new MountInfo.MntEnt("/dev/vda", "/", "ext4"),
                new MountInfo.MntEnt("/dev/vdb", "/mnt/x y", "xfs")), l);
        assertEquals("a\\b\nc", MountInfo.decodeGetmntent("a\\\\b\\012c"));
    }
}
