// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing a console and judging a run, on console lines written here. */
class XenRunTest {

    private static XenRun run(int exit, String... lines) {
        List<XenVm.Line> l = new ArrayList<>();
        long t = 0;
        for (String s : lines) {
            l.add(new XenVm.Line(t += 1000, s));
        }
        return new XenRun(l, exit);
    }

    private static final String[] BOOTED = {
        "XENE2E-MARK t=8.0 dom0 init started", "XENE2E-MARK t=8.5 xenstored up",
        "XENE2E-MARK t=9.0 xl create returned rc=0", "XENE2E-MARK t=9.2 domU unpaused (domid 1)",
        "[domU] XENE2E-DOMU t=6.1 init started"};

    @Test
    void keysChecksAndMarks() {
        List<String> lines = new ArrayList<>(List.of(BOOTED));
        lines.add("XENE2E-KEY /local/domain/1/data/os_name = \"Debian \\\"x\\\" \\\\ \\x41\"");
        lines.add("XENE2E-CHECK vif ok");
        lines.add("XENE2E-CHECK other fail (cond)");
        lines.add("XENE2E-MARK t=30 guestd keys present (data/updated = x)");
        XenRun r = run(0, lines.toArray(new String[0]));
        assertEquals("Debian \"x\" \\ A", r.keys().get("/local/domain/1/data/os_name"));
        assertEquals(Map.of("vif", "ok", "other", "fail (cond)"), r.checks());
        assertEquals(9000, r.markAt("guestd keys present").getAsLong());
        assertNull(r.bootFailure());
        assertEquals(1, r.domUTail(10).size());
    }

    @Test
    void bootFailuresAreTold() {
        assertTrue(run(124).bootFailure().startsWith("dom0 never started"));
        assertEquals("xl create failed or hung", run(0, BOOTED[0], BOOTED[1]).bootFailure());
        assertTrue(run(0, BOOTED[0], "(XEN) d1v0 Triple fault - invoking HVM shutdown action 1").bootFailure()
                .contains("crashed"));
        assertEquals("the domU's /init never ran", run(0, BOOTED[0], BOOTED[1], BOOTED[2], BOOTED[3]).bootFailure());
        assertTrue(run(0, BOOTED[0], BOOTED[1], BOOTED[2], BOOTED[3], BOOTED[4],
                "XENE2E-MARK t=40 domU died before guestd wrote its keys").bootFailure().contains("the domU died"));
    }

    @Test
    void expectedKeysFromTheImage(@TempDir Path dir) throws Exception {
        Path os = dir.resolve("os-release");
        Files.writeString(os, "PRETTY_NAME=\"X Linux 3.7\"\nID=x\nVERSION_ID=\"3.7\"\n");
        XenImage image = new XenImage(dir, dir, dir, "6.1.0-1-amd64", "2.4.1-SNAPSHOT", os);
        Map<String, String> k = XenSuite.expectedKeys(image);
        assertEquals("2", k.get("attr/PVAddons/MajorVersion"));
        assertEquals("1", k.get("attr/PVAddons/MicroVersion"));
        assertEquals("0", k.get("attr/PVAddons/BuildVersion"));
        assertEquals("X Linux 3.7", k.get("data/os_name"));
        assertEquals("7", k.get("data/os_minorver"));
        assertEquals("6.1.0-1-amd64", k.get("data/os_uname"));
    }

    @Test
    void theDomUsViewAndTheKeysThatDependOnIt() {
        XenRun r = run(0, "XENE2E-DOMU-VIEW MemTotal:         467008 kB", "XENE2E-DOMU-VIEW MemAvailable:     305848 kB",
                "XENE2E-DOMU-VIEW /dev/xvda                25844        14     23537   0% /mnt/data",
                "XENE2E-DOMU-VIEW eth0 device/vif/0", "XENE2E-DOMU-VIEW xvda device/vbd/51712", "XENE2E-ADDR ms=570");
        DomUView v = DomUView.parse(r.domUView());
        assertEquals(new DomUView(467008, 305848, "/dev/xvda", 25844, 23537, "/mnt/data", "device/vif/0",
                "device/vbd/51712"), v);
        assertEquals("0", v.vifId());
        assertEquals(570, r.addressChangeMillis());
        Map<String, String> keys = new HashMap<>(Map.of("data/meminfo_total", "467008",
                "data/meminfo_free", "308180", "attr/vif/0/ipv4/0", "192.0.2.10", "attr/vif/0/ipv6/1", "2001:db8::10",
                "data/volumes/0/name", "/dev/xvda", "data/volumes/0/mount_points/0", "/mnt/data",
                "data/volumes/0/filesystem", "ext4", "data/volumes/0/extents/0", "xvda"));
        keys.put("data/volumes/0/size", "26464256");
        keys.put("data/volumes/0/free", "24101888");
        List<XenSuite.Result> ok = DomUChecks.check(keys, v, 570);
        assertTrue(ok.stream().allMatch(XenSuite.Result::ok), ok.toString());
        keys.put("data/meminfo_total", "467000");
        keys.put("data/volumes/0/free", "1");
        List<XenSuite.Result> bad = DomUChecks.check(keys, v, 2500);
        assertEquals(List.of("data/meminfo_total", "data/volumes/0/free", "address change → dom0"),
                bad.stream().filter(x -> !x.ok()).map(XenSuite.Result::name).toList());
    }
}
