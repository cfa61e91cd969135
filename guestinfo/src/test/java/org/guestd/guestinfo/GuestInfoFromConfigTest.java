// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.env.Clock;
import org.guestd.core.env.HostPaths;
import org.guestd.core.testing.FakeClock;
import org.guestd.core.testing.FixtureTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestInfoFromConfigTest {
    @TempDir
    Path dir;

    private static GuestInfo build(HostPaths paths, Clock clock, Map<String, String> config, SystemProbes probes,
            Optional<Path> osRelease, Optional<String> tz) {
        return LinuxGuestInfo.fromConfig(new ConfigSection("guestinfo", config), paths, clock, probes, osRelease, tz);
    }

    private FixtureTree guest() {
        FixtureTree t = new FixtureTree(dir);
        t.file("usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
        t.symlink("etc/os-release", "../usr/lib/os-release");
        t.file("proc/sys/kernel/hostname", "vm\n");
        t.mkdirs("sys/devices/system/cpu/cpu0");
        t.file("sys/devices/system/cpu/cpu1/online", "1\n");
        t.file("proc/self/mountinfo", "22 27 0:21 / /proc rw - proc proc rw\n");
        return t;
    }

    @Test
    void readsTheGuestOverTheGivenRoots() throws AgentException {
        FixtureTree t = guest();
        GuestInfo gi = build(t.paths(), new FakeClock(1_700_000_000_000_000_000L), Map.of(), new FakeProbes(),
                Optional.empty(), Optional.of("Europe/Nowhere"));
        assertEquals("debian", gi.osInfo().id());
        assertEquals("12", gi.osInfo().versionId());
        assertEquals("vm", gi.hostName());
        assertEquals(new GuestInfo.TimeZoneInfo("UTC", 0), gi.timeZone());
        assertEquals(List.of(1, 0), gi.vcpus().stream().map(GuestInfo.Vcpu::logicalId).toList());
        assertEquals(List.of(), gi.users());
        assertEquals(List.of(), gi.filesystems());
        assertEquals(List.of(), gi.interfaces());
    }

    @Test
    void configuredFallbackAndOverride() throws AgentException {
        FixtureTree t = guest().file("alt/os-release", "ID=alt\n").file("qga-os-release", "ID=qemu-ga-test\n");
        t.file("etc/os-release.bad", "");
        GuestInfo alt = build(t.paths().withEtc(dir.resolve("empty-etc")), Clock.SYSTEM,
                Map.of("os-release-fallback", dir.resolve("alt/os-release").toString()), new FakeProbes(),
                Optional.empty(), Optional.of("UTC"));
        assertEquals("alt", alt.osInfo().id());
        GuestInfo overridden = build(t.paths(), Clock.SYSTEM, Map.of(), new FakeProbes(),
                Optional.of(dir.resolve("qga-os-release")), Optional.of("UTC"));
        assertEquals("qemu-ga-test", overridden.osInfo().id());
    }

    @Test
    void aProbeBugBecomesAnErrorReplyNotACrash() throws AgentException {
        FixtureTree t = guest();
        SystemProbes broken = new FakeProbes() {
            @Override
            public List<IfAddress> addresses() {
                throw new IllegalStateException("native failure");
            }
        };
        GuestInfo gi = build(t.paths(), Clock.SYSTEM, Map.of(), broken, Optional.empty(), Optional.empty());
        AgentException e = assertThrows(AgentException.class, gi::interfaces);
        assertTrue(e.getMessage().startsWith("failed to collect interfaces"), e.getMessage());
    }
}
