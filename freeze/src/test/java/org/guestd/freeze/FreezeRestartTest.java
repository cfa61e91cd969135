// SPDX-License-Identifier: Apache-2.0
package org.guestd.freeze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The freeze service after a restart (issue 16): the marker left by a frozen agent, the watchdog
 * counting from the original freeze, stale markers from another boot. Split from
 * {@link FreezeServiceTest}; same fixture.
 */
@Timeout(60)
class FreezeRestartTest extends FreezeFixture {
    @Test
    void restartWithTheMarkerStartsFrozenAndThawsWhatItLists() throws Exception {
        Files.writeString(marker(), "requester=qga\nmount=/home\nmount=/\n");
        ops.frozen.addAll(List.of("/home", "/"));
        FsFreezer f = start();
        assertEquals(FsFreezer.Status.FROZEN, f.status());
        assertEquals(List.of("hold"), gate, "disk writes held from the start");
        assertEquals(2, f.thaw("qga"));
        assertEquals(List.of("thaw /", "thaw /", "thaw /home", "thaw /home"), ops.calls());
        assertEquals(FsFreezer.Status.THAWED, f.status());
        assertFalse(Files.exists(marker()));
        assertEquals(List.of("hold", "release"), gate);
    }

    @Test
    void restartWithQemuGasEmptyMarkerThawsEveryCandidate() throws Exception {
        Files.writeString(marker(), "");
        FsFreezer f = start();
        assertEquals(FsFreezer.Status.FROZEN, f.status());
        assertEquals(0, f.thaw("qga"), "nothing was really frozen: 0, as qemu-ga (transcript 29)");
        assertEquals(List.of("thaw /", "thaw /home", "thaw /home/data", "thaw /var"), ops.calls());
        assertEquals(FsFreezer.Status.THAWED, f.status());
    }

    @Test
    void restartWithTheMarkerArmsTheWatchdog() throws Exception {
        Files.writeString(marker(), "requester=qga\nmount=/var\n");
        ops.frozen.add("/var");
        config.put("auto-thaw", "100ms");
        CountDownLatch released = new CountDownLatch(1);
        FsFreezer f = start2(released);
        assertTrue(released.await(30, TimeUnit.SECONDS));
        assertEquals(FsFreezer.Status.THAWED, f.status());
        assertTrue(ops.frozen.isEmpty());
    }

    @Test
    void aFreezeRecordsWhenAndInWhichBootInTheMarker() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        FsFreezer f = start2(never, clockAt(7_000_000_000L));
        f.freeze(List.of("/var"), "qga");
        String m = Files.readString(marker());
        assertTrue(m.contains("\nfrozen-at-monotonic-ns=7000000000\n"), m);
        assertTrue(m.contains("\nboot-id=" + BOOT + "\n"), m);
        assertTrue(m.contains("\nmount=/var\n"), m);
    }

    @Test
    void theWatchdogOfARestartedAgentCountsFromTheOriginalFreeze() throws Exception {
        // frozen at 100 s by the instance that died; this one starts at 109.8 s with a 10 s window
        Files.writeString(marker(), "requester=qga\nfrozen-at-monotonic-ns=100000000000\nboot-id=" + BOOT
                + "\nmount=/var\n");
        ops.frozen.add("/var");
        config.put("auto-thaw", "10s");
        CountDownLatch released = new CountDownLatch(1);
        FsFreezer f = start2(released, clockAt(109_800_000_000L));
        assertEquals(Duration.ofMillis(200), service.watchdogDelay(), "the rest of the window");
        assertTrue(released.await(30, TimeUnit.SECONDS), "auto-thaw");
        assertEquals(FsFreezer.Status.THAWED, f.status());
        assertTrue(ops.frozen.isEmpty());
        assertFalse(Files.exists(marker()));
    }

    @Test
    void aRestartAfterTheWindowPassedThawsAtOnce() throws Exception {
        Files.writeString(marker(), "requester=qga\nfrozen-at-monotonic-ns=100000000000\nboot-id=" + BOOT
                + "\nmount=/var\n");
        ops.frozen.add("/var");
        config.put("auto-thaw", "10s");
        CountDownLatch released = new CountDownLatch(1);
        FsFreezer f = start2(released, clockAt(118_000_000_000L)); // 18 s after the freeze
        assertEquals(Duration.ZERO, service.watchdogDelay());
        assertTrue(released.await(30, TimeUnit.SECONDS), "thawed at once");
        assertEquals(FsFreezer.Status.THAWED, f.status());
        assertTrue(ops.frozen.isEmpty());
    }

    @Test
    void aMarkerWithoutATimeGetsAWholeWindow() throws Exception {
        Files.writeString(marker(), "requester=qga\nmount=/var\n"); // an older guestd's marker
        ops.frozen.add("/var");
        config.put("auto-thaw", "10s");
        FsFreezer f = start2(new CountDownLatch(1), clockAt(500_000_000_000L));
        assertEquals(Duration.ofSeconds(10), service.watchdogDelay());
        assertEquals(FsFreezer.Status.FROZEN, f.status());
    }

    @Test
    void aMarkerFromAnotherBootIsStaleAndRemoved() throws Exception {
        Files.writeString(marker(), "requester=qga\nfrozen-at-monotonic-ns=5\nboot-id=another-boot\nmount=/var\n");
        FsFreezer f = start2(new CountDownLatch(1), clockAt(900_000_000_000L));
        assertEquals(FsFreezer.Status.THAWED, f.status(), "a reboot thawed everything");
        assertFalse(Files.exists(marker()));
        assertTrue(ops.calls().isEmpty(), "no FITHAW for a freeze of another boot");
    }

    /**
     * The race a VM test hit after a restart: the writer resumed at the first FITHAW, the host asked
     * guest-fsfreeze-status and got "frozen". A reader that asks once a filesystem is thawed must
     * wait for the whole thaw and then see THAWED with the marker gone and the log released.
     */
    @Test
    void restartWithTheMarkerSaysWhoFrozeBefore() throws Exception {
        Files.writeString(marker(), "requester=qga\nmount=/var\n");
        ops.frozen.add("/var");
        FsFreezer f = start();
        FsFreezer.Frozen fr = f.frozen().orElseThrow();
        assertEquals("qga (previous instance)", fr.by());
        assertEquals(FreezeService.DEFAULT_AUTO_THAW.toNanos(), fr.autoThawAtNanos() - fr.sinceNanos());
        assertEquals(List.of(Optional.of(fr)), seen);
        f.thaw("qga");
    }
}
