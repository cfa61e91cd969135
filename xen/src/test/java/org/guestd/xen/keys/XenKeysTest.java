// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.guestd.core.facts.Fact;
import org.guestd.core.facts.FactKind;
import org.guestd.core.facts.InterfaceFact;
import org.guestd.core.facts.OsFact;
import org.guestd.core.facts.VolumeFact;
import org.junit.jupiter.api.Test;

/** The fact → key mapping on its own. */
class XenKeysTest {

    @Test
    void osKeysFollowOsRelease() {
        Map<String, String> k = XenKeys.os(new OsFact("ubuntu", "Ubuntu", "Ubuntu 24.04.1 LTS", "24.04", "24.04.1 LTS",
                "6.8.0-45-generic", null, null));
        assertEquals(Map.of("data/os_distro", "ubuntu", "data/os_name", "Ubuntu 24.04.1 LTS", "data/os_majorver", "24",
                "data/os_minorver", "4", "data/os_uname", "6.8.0-45-generic"), k);
        k = XenKeys.os(new OsFact("arch", "Arch Linux", null, null, null, "6.10.1-arch1", null, null));
        assertEquals("Arch Linux", k.get("data/os_name"));
        assertNull(k.get("data/os_majorver"), "no VERSION_ID: no version keys (xe-guest-utilities writes 'unknown')");
        k = XenKeys.os(new OsFact(null, "Fedora Linux", null, "rawhide", "41 (Rawhide)", null, null, null));
        assertEquals("linux", k.get("data/os_distro"));
        assertEquals("Fedora Linux 41 (Rawhide)", k.get("data/os_name"));
        assertNull(k.get("data/os_majorver"));
        assertNull(k.get("data/os_uname"));
        k = XenKeys.os(new OsFact("rhel", null, "RHEL", "9.4.0099999999999999999999", null, null, null, null));
        assertEquals("9", k.get("data/os_majorver"));
    }

    @Test
    void onlyXenVifsAndVbdsAreRecognised() {
        assertEquals("12", XenKeys.vifId("device/vif/12"));
        assertNull(XenKeys.vifId("device/vif/"));
        assertNull(XenKeys.vifId("device/vif/1/x"));
        assertNull(XenKeys.vifId("device/vbd/51712"));
        assertNull(XenKeys.vifId(null));
        assertFalse(XenKeys.isVbd("device/vif/0"));
    }

    @Test
    void volumesAreNumberedInDeviceOrder() {
        Map<String, String> k = XenKeys.volumes(List.of(
                new VolumeFact("/dev/xvdb1", "/srv", "xfs", 10, 5, "device/vbd/51728"),
                new VolumeFact("/dev/xvda1", "/", "ext4", -1, -1, null)), vbd -> "xvdb");
        assertEquals("/dev/xvda1", k.get("data/volumes/0/name"));
        assertEquals("0", k.get("data/volumes/0/size"));
        assertEquals("", k.get("data/volumes/0/extents/0"));
        assertEquals("xvdb", k.get("data/volumes/1/extents/0"));
        assertEquals("", k.get("data/volumes/1"));
        assertEquals(14, k.size());
    }

    @Test
    void addressesKeepTheirSlotsAndAtMostTenArePublished() {
        GuestKeys g = new GuestKeys(() -> 0, Duration.ZERO, true);
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            many.add("10.0.0." + i);
        }
        g.changed(new Fact<>(FactKind.INTERFACE, "eth1", new InterfaceFact("eth1", null, "device/vif/1", many, List.of())));
        Map<String, String> k = g.desired();
        assertEquals("10.0.0.9", k.get("attr/vif/1/ipv4/9"));
        assertNull(k.get("attr/vif/1/ipv4/10"));
        assertEquals(2, g.overflowingAddresses());
        g.changed(new Fact<>(FactKind.INTERFACE, "eth1", new InterfaceFact("eth1", null, "device/vif/1",
                List.of("10.0.0.11", "10.0.0.3"), List.of())));
        k = g.desired();
        assertEquals("10.0.0.3", k.get("attr/vif/1/ipv4/3"), "kept its slot");
        assertEquals("10.0.0.11", k.get("attr/vif/1/ipv4/0"), "the lowest free slot");
        assertNull(k.get("attr/vif/1/ipv4/1"));
        assertEquals("1", k.get("control/feature-balloon"));
        g.withdrawn(new Fact.Id(FactKind.INTERFACE, "eth1"));
        assertFalse(g.desired().keySet().stream().anyMatch(p -> p.startsWith("attr/vif")));
    }
}
