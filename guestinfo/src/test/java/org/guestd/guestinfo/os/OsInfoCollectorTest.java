// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.core.testing.FixtureTree;
import org.guestd.guestinfo.FakeProbes;
import org.guestd.guestinfo.GuestInfo.OsInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OsInfoCollectorTest {
    @TempDir
    Path dir;

    @Test
    void unameAndOsRelease() throws AgentException {
        FixtureTree t = new FixtureTree(dir).file("etc/os-release", OsReleaseTest.QEMU_FIXTURE);
        OsInfo i = new OsInfoCollector(new FakeProbes(), Optional.empty(), t.paths().etc("os-release"),
                dir.resolve("usr/lib/os-release")).collect();
        assertEquals("6.18.44-fc-v669", i.kernelRelease());
        assertEquals("#1 SMP PREEMPT_DYNAMIC @0", i.kernelVersion());
        assertEquals("x86_64", i.machine());
        assertEquals("qemu-ga-test", i.id());
        assertEquals("unit-test", i.variantId());
    }

    @Test
    void withoutOsReleaseOnlyUnameFields() throws AgentException {
        FixtureTree t = new FixtureTree(dir);
        OsInfo i = new OsInfoCollector(new FakeProbes(), Optional.empty(), t.paths().etc("os-release"),
                dir.resolve("usr/lib/os-release")).collect();
        assertEquals("x86_64", i.machine());
        assertNull(i.id());
        assertNull(i.prettyName());
    }

    @Test
    void unameFailureIsQemusError() {
        FakeProbes p = new FakeProbes();
        p.unameFailure = new AccessDeniedException("uname");
        AgentException e = assertThrows(AgentException.class,
                () -> new OsInfoCollector(p, Optional.empty(), dir.resolve("x"), dir.resolve("y")).collect());
        assertEquals("uname failed: Permission denied", e.getMessage());
    }

    @Test
    void hostNameFromProcAndItsLimits() throws AgentException, IOException {
        FixtureTree t = new FixtureTree(dir).file("proc/sys/kernel/hostname", "vm\n");
        FakeProbes p = new FakeProbes();
        HostNameCollector c = new HostNameCollector(t.paths().proc("sys/kernel/hostname"), p);
        assertEquals("vm", c.collect());
        t.file("proc/sys/kernel/hostname", "a".repeat(63) + "\n");
        assertEquals("a".repeat(63), c.collect());
        // 64 characters: glibc's gethostname(buf, 64) fails with ENAMETOOLONG
        t.file("proc/sys/kernel/hostname", "b".repeat(64) + "\n");
        AgentException e = assertThrows(AgentException.class, c::collect);
        assertEquals("cannot get hostname: File name too long", e.getMessage());
        // no procfs file: uname's nodename
        HostNameCollector fallback = new HostNameCollector(dir.resolve("proc/missing"), p);
        assertEquals("vm", fallback.collect());
        p.unameFailure = new IOException("boom");
        assertEquals("cannot get hostname: boom", assertThrows(AgentException.class, fallback::collect).getMessage());
    }
}
