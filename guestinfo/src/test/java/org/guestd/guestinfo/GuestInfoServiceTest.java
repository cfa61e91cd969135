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
import org.guestd.core.env.Clock;
import org.guestd.core.env.HostPaths;
import org.guestd.core.testing.FakeClock;
import org.guestd.core.testing.FixtureTree;
import org.guestd.core.testing.TestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestInfoServiceTest {
    @TempDir
    Path dir;

    private static TestContext ctx(HostPaths paths, Clock clock, Map<String, String> config) {
        return new TestContext("guestinfo").paths(paths).clock(clock).config(config);
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
    void exportsGuestInfoOverTheContextRoots() throws AgentException {
        FixtureTree t = guest();
        TestContext ctx = ctx(t.paths(), new FakeClock(1_700_000_000_000_000_000L), Map.of());
        GuestInfoService s = new GuestInfoService(new FakeProbes(), Optional.empty(), Optional.of("Europe/Nowhere"));
        assertEquals("guestinfo", s.name());
        assertTrue(s.probe(ctx).isAvailable());
        s.start(ctx);
        GuestInfo gi = ctx.require(GuestInfo.class);
        assertEquals("debian", gi.osInfo().id());
        assertEquals("12", gi.osInfo().versionId());
        assertEquals("vm", gi.hostName());
        assertEquals(new GuestInfo.TimeZoneInfo("UTC", 0), gi.timeZone());
        assertEquals(List.of(1, 0), gi.vcpus().stream().map(GuestInfo.Vcpu::logicalId).toList());
        assertEquals(List.of(), gi.users());
        assertEquals(List.of(), gi.filesystems());
        assertEquals(List.of(), gi.interfaces());
        s.stop();
    }

    @Test
    void configuredFallbackAndOverride() throws AgentException {
        FixtureTree t = guest().file("alt/os-release", "ID=alt\n").file("qga-os-release", "ID=qemu-ga-test\n");
        t.file("etc/os-release.bad", "");
        TestContext ctx = ctx(t.paths().withEtc(dir.resolve("empty-etc")), Clock.SYSTEM,
                Map.of("os-release-fallback", dir.resolve("alt/os-release").toString()));
        new GuestInfoService(new FakeProbes(), Optional.empty(), Optional.of("UTC")).start(ctx);
        assertEquals("alt", ctx.require(GuestInfo.class).osInfo().id());
        TestContext ctx2 = ctx(t.paths(), Clock.SYSTEM, Map.of());
        new GuestInfoService(new FakeProbes(), Optional.of(dir.resolve("qga-os-release")), Optional.of("UTC"))
                .start(ctx2);
        assertEquals("qemu-ga-test", ctx2.require(GuestInfo.class).osInfo().id());
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
        TestContext ctx = ctx(t.paths(), Clock.SYSTEM, Map.of());
        new GuestInfoService(broken, Optional.empty(), Optional.empty()).start(ctx);
        AgentException e = assertThrows(AgentException.class, () -> ctx.require(GuestInfo.class).interfaces());
        assertTrue(e.getMessage().startsWith("failed to collect interfaces"), e.getMessage());
    }
}
