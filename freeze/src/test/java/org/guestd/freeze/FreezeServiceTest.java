// SPDX-License-Identifier: Apache-2.0
package org.guestd.freeze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.guestd.core.AgentException;
import org.guestd.core.testing.FakeClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The engine through its service, on a fixture mount table and the fake ioctl layer. */
@Timeout(60)
class FreezeServiceTest extends FreezeFixture {
    @Test
    void freezesEveryFilesystemInReverseMountOrderRootLastAndThawsBackwards() throws Exception {
        FsFreezer f = start();
        ops.onFreeze = () -> {
            assertTrue(Files.exists(marker()), "marker written before the first FIFREEZE");
            assertEquals(List.of("hold"), gate, "log held before the first FIFREEZE");
            assertEquals(FsFreezer.Status.FROZEN, f.status());
        };
        assertEquals(4, f.freeze(null, "qga"));
        assertEquals(ORDER.stream().map(m -> "freeze " + m).toList(), ops.calls());
        assertEquals(FsFreezer.Status.FROZEN, f.status());
        assertTrue(Files.readString(marker()).contains("mount=/home/data"));
        ops.calls.clear();
        assertEquals(4, f.thaw("qga"));
        assertEquals(List.of("thaw /", "thaw /", "thaw /home", "thaw /home", "thaw /home/data", "thaw /home/data",
                "thaw /var", "thaw /var"), ops.calls(), "FITHAW repeated until EINVAL, reverse order");
        assertEquals(FsFreezer.Status.THAWED, f.status());
        assertFalse(Files.exists(marker()));
        assertEquals(List.of("hold", "release"), gate);
        assertEquals(0, f.thaw("qga"), "thaw when thawed is a no-op");
    }

    @Test
    void explicitMountpointsOnly() throws Exception {
        FsFreezer f = start();
        assertEquals(2, f.freeze(List.of("/home", "/var", "/nowhere"), "qga"));
        assertEquals(List.of("freeze /var", "freeze /home"), ops.calls());
        assertEquals(2, f.thaw("qga"));
    }

    @Test
    void nthMountFailingRollsBackEverythingAlreadyFrozen() throws Exception {
        hook("10-db", "");
        FsFreezer f = start();
        ops.freezeErrno.put("/home", FakeFsOps.EIO); // on the third
        AgentException e = assertThrows(AgentException.class, () -> f.freeze(null, "qga"));
        assertEquals("failed to freeze /home: Input/output error", e.getMessage());
        assertEquals(List.of("freeze /var", "freeze /home/data", "freeze /home", "thaw /home/data",
                "thaw /home/data", "thaw /var", "thaw /var"), ops.calls());
        assertTrue(ops.frozen.isEmpty());
        assertEquals(FsFreezer.Status.THAWED, f.status());
        assertFalse(Files.exists(marker()));
        assertEquals(List.of("hold", "release"), gate);
        assertEquals(List.of("10-db freeze", "10-db freezefail"), hookRuns());
    }

    @Test
    void mountpointThatCannotBeOpenedRollsBackWithQemuGasText() throws Exception {
        FsFreezer f = start();
        ops.openErrno.put("/home/data", FakeFsOps.ENOENT);
        AgentException e = assertThrows(AgentException.class, () -> f.freeze(null, "qga"));
        assertEquals("failed to open /home/data: No such file or directory", e.getMessage());
        assertTrue(ops.frozen.isEmpty());
    }

    @Test
    void eopnotsuppAndEbusyAreSkippedNotCounted() throws Exception {
        FsFreezer f = start();
        ops.freezeErrno.put("/var", FakeFsOps.EOPNOTSUPP);
        ops.frozen.add("/home"); // frozen by someone else: EBUSY
        assertEquals(2, f.freeze(null, "qga"));
        assertEquals(2, f.thaw("qga"));
        assertTrue(ops.frozen.contains("/home"), "a freeze we did not make is not undone");
    }

    @Test
    void nothingFrozenGoesBackToThawedAndPairsTheHooks() throws Exception {
        hook("10-a", "");
        FsFreezer f = start();
        for (String m : ORDER) {
            ops.freezeErrno.put(m, FakeFsOps.EOPNOTSUPP);
        }
        assertEquals(0, f.freeze(null, "qga"));
        assertEquals(FsFreezer.Status.THAWED, f.status());
        assertFalse(Files.exists(marker()));
        assertEquals(List.of("10-a freeze", "10-a thaw"), hookRuns());
    }

    @Test
    void hooksRunInNameOrderOnFreezeAndReverseOnThawQemuHookOutermost() throws Exception {
        hook("20-b", "");
        hook("10-a", "");
        hook(".hidden", "");
        Files.writeString(hooks.resolve("30-not-executable"), "#!/bin/sh\nexit 1\n");
        Path qemu = tmp.resolve("fsfreeze-hook");
        Files.writeString(qemu, "#!/bin/sh\necho \"qemu $1\" >> " + hookLog + "\n");
        assertTrue(qemu.toFile().setExecutable(true));
        general.put("fsfreeze-hook", qemu.toString());
        FsFreezer f = start();
        f.freeze(null, "qga");
        assertEquals(List.of("qemu freeze", "10-a freeze", "20-b freeze"), hookRuns());
        f.thaw("qga");
        assertEquals(List.of("qemu freeze", "10-a freeze", "20-b freeze", "20-b thaw", "10-a thaw", "qemu thaw"),
                hookRuns());
    }

    @Test
    void failingHookAbortsTheFreezeBeforeAnyFifreeze() throws Exception {
        hook("10-a", "");
        hook("20-b", "exit 3");
        hook("30-c", "");
        Path qemu = tmp.resolve("fsfreeze-hook");
        Files.writeString(qemu, "#!/bin/sh\necho \"qemu $1\" >> " + hookLog + "\n");
        assertTrue(qemu.toFile().setExecutable(true));
        general.put("fsfreeze-hook", qemu.toString());
        FsFreezer f = start();
        AgentException e = assertThrows(AgentException.class, () -> f.freeze(null, "qga"));
        assertEquals("freeze hook " + hooks.resolve("20-b") + " has failed with status 3: freeze aborted",
                e.getMessage());
        assertEquals(List.of(), ops.calls());
        assertEquals(List.of("qemu freeze", "10-a freeze", "20-b freeze", "20-b freezefail", "10-a freezefail",
                "qemu thaw"), hookRuns());
        assertEquals(FsFreezer.Status.THAWED, f.status());
        assertFalse(Files.exists(marker()));
    }

    @Test
    void qemuHookContractErrors() throws Exception {
        general.put("fsfreeze-hook", tmp.resolve("missing-hook").toString());
        FsFreezer f = start();
        AgentException e = assertThrows(AgentException.class, () -> f.freeze(null, "qga"));
        assertEquals("can't access fsfreeze hook '" + tmp.resolve("missing-hook") + "': No such file or directory",
                e.getMessage());
        Path qemu = tmp.resolve("missing-hook");
        Files.writeString(qemu, "#!/bin/sh\nexit 2\n");
        assertTrue(qemu.toFile().setExecutable(true));
        assertTrue(qemu.toFile().setExecutable(false, false));
        e = assertThrows(AgentException.class, () -> f.freeze(null, "qga"));
        assertEquals("can't access fsfreeze hook '" + qemu + "': Permission denied", e.getMessage());
        assertTrue(qemu.toFile().setExecutable(true));
        e = assertThrows(AgentException.class, () -> f.freeze(null, "qga"));
        assertEquals("fsfreeze hook has failed with status 2", e.getMessage());
        assertEquals(List.of(), ops.calls());
    }

    @Test
    void hookHangingPastItsTimeoutIsKilledAndAbortsTheFreeze() throws Exception {
        hook("10-hang", "sleep 60");
        config.put("hook-timeout", "300ms");
        FsFreezer f = start();
        AgentException e = assertThrows(AgentException.class, () -> f.freeze(null, "qga"));
        assertTrue(e.getMessage().contains("10-hang freeze timed out after 300 ms"), e.getMessage());
        assertEquals(List.of(), ops.calls());
        assertEquals(List.of("10-hang freeze", "10-hang freezefail"), hookRuns().subList(0, 2));
    }

    @Test
    void watchdogThawsWhenTheHostNeverDoes() throws Exception {
        config.put("auto-thaw", "200ms");
        CountDownLatch released = new CountDownLatch(1);
        FsFreezer f = start2(released);
        f.freeze(null, "qga");
        assertTrue(released.await(30, TimeUnit.SECONDS), "watchdog thaw");
        assertEquals(FsFreezer.Status.THAWED, f.status());
        assertTrue(ops.frozen.isEmpty());
        assertFalse(Files.exists(marker()));
    }

    @Test
    void noReaderSeesFrozenOnceAFilesystemWasThawed() throws Exception {
        FsFreezer f = start();
        f.freeze(List.of("/var", "/home"), "qga");
        AtomicReference<String> seen = new AtomicReference<>();
        AtomicReference<Thread> reader = new AtomicReference<>();
        ops.onThaw = () -> {
            if (reader.get() != null) {
                return;
            }
            Thread r = new Thread(() -> {
                FsFreezer.Status s = f.status();
                seen.set(s + " marker=" + Files.exists(marker()) + " gate=" + gate);
            }, "status-reader");
            reader.set(r);
            r.start();
            long deadline = System.nanoTime() + 10_000_000_000L; // hang guard
            while (r.getState() != Thread.State.WAITING && r.isAlive() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(r.isAlive(), "the reader answered in the middle of the thaw: " + seen.get());
            assertFalse(f.settled());
        };
        assertEquals(2, f.thaw("qga"));
        reader.get().join(10_000);
        assertEquals("THAWED marker=false gate=[hold, release]", seen.get());
        assertTrue(f.settled());
    }

    @Test
    void theThawingThreadItselfReadsWithoutWaiting() throws Exception {
        FsFreezer f = start();
        f.freeze(List.of("/var"), "qga");
        List<FsFreezer.Status> inside = new ArrayList<>();
        ops.onThaw = () -> inside.add(f.status());
        f.thaw("qga");
        assertEquals(List.of(FsFreezer.Status.FROZEN), inside, "its own view, not a deadlock");
    }

    @Test
    void listenersSeeWhoFrozeAndWhenTheAutoThawFires() throws Exception {
        long t = 1_795_000_000_000_000_000L;
        clock = new FakeClock(t);
        config.put("auto-thaw", "90s");
        FsFreezer f = start();
        assertEquals(Optional.empty(), f.frozen());
        ops.onFreeze = () -> assertEquals(1, seen.size(), "the listener is told before the first FIFREEZE");
        f.freeze(null, "hyperv-vss");
        FsFreezer.Frozen expected = new FsFreezer.Frozen("hyperv-vss", t, t + 90_000_000_000L);
        assertEquals(List.of(Optional.of(expected)), seen);
        assertEquals(Optional.of(expected), f.frozen());
        clock.advance(5_000_000_000L);
        f.thaw("qga");
        assertEquals(List.of(Optional.of(expected), Optional.empty()), seen, "thawed before the listener hears it");
        assertEquals(Optional.empty(), f.frozen());
    }

    @Test
    void withoutAWatchdogNoAutoThawTime() throws Exception {
        config.put("auto-thaw", "0");
        FsFreezer f = start();
        f.freeze(List.of("/var"), "qga");
        assertEquals(-1, f.frozen().orElseThrow().autoThawAtNanos());
        f.thaw("qga");
    }

    @Test
    void stopWhileFrozenThawsFirst() throws Exception {
        FsFreezer f = start();
        f.freeze(List.of("/var", "/home"), "hyperv-vss");
        service.stop();
        service = null;
        assertTrue(ops.frozen.isEmpty());
        assertEquals(FsFreezer.Status.THAWED, f.status());
        assertFalse(Files.exists(marker()));
    }

    @Test
    void secondFreezeWhileFrozenIsRefused() throws Exception {
        FsFreezer f = start();
        f.freeze(null, "qga");
        AgentException e = assertThrows(AgentException.class, () -> f.freeze(null, "hyperv-vss"));
        assertTrue(e.getMessage().startsWith("filesystems are already frozen (by qga)"), e.getMessage());
    }

    @Test
    void trimReportsPerMountAsQemuGa() throws Exception {
        FsFreezer f = start();
        FsTrimmer t = service.trimmer();
        ops.trimErrno.put("/var", FakeFsOps.EOPNOTSUPP);
        ops.trimErrno.put("/home", FakeFsOps.EIO);
        List<FsTrimmer.TrimResult> r = t.trim(65536L);
        assertEquals(List.of("/var", "/srv/bind", "/home/data", "/home", "/"),
                r.stream().map(FsTrimmer.TrimResult::path).toList());
        assertEquals(new FsTrimmer.TrimResult("/var", null, null, "trim not supported"), r.get(0));
        assertEquals(new FsTrimmer.TrimResult("/home", null, null, "failed to trim: Input/output error"), r.get(3));
        assertEquals(new FsTrimmer.TrimResult("/", 1000L, 65536L, null), r.get(4));
        f.freeze(null, "qga");
        assertThrows(AgentException.class, () -> t.trim(null));
    }
}
