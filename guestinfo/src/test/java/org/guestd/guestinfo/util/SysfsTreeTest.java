// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.guestd.core.testing.FixtureTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SysfsTreeTest {
    @TempDir
    Path dir;

    @Test
    void mapsKernelPathsAndResolvesRelativeLinks() throws IOException {
        FixtureTree t = new FixtureTree(dir);
        t.file("sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda/dev", "254:0\n");
        t.symlink("sys/dev/block/254:0", "../../devices/pci0000:00/0000:00:02.0/virtio1/block/vda");
        SysfsTree sys = new SysfsTree(t.paths().sys());
        assertEquals("/sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda", sys.realpath("/sys/dev/block/254:0"));
        assertEquals("254:0\n", sys.readAttribute("/sys/dev/block/254:0/dev"));
        assertEquals("../../devices/pci0000:00/0000:00:02.0/virtio1/block/vda", sys.readlink("/sys/dev/block/254:0"));
        assertNull(sys.readlink("/sys/devices"));
        assertNull(sys.readAttribute("/sys/nothing"));
        assertThrows(NoSuchFileException.class, () -> sys.realpath("/sys/dev/block/8:0"));
    }

    @Test
    void basenameLikeGlib() {
        assertEquals("vda1", SysfsTree.basename("/sys/block/vda/vda1"));
        assertEquals("vda", SysfsTree.basename("/sys/block/vda/"));
        assertEquals("8:1", SysfsTree.basename("/sys/dev/block/8:1"));
        assertEquals("/", SysfsTree.basename("/"));
    }
}
