// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e;

import static org.guestd.e2e.Session.check;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.guestd.core.json.Json;
import org.guestd.host.qga.QgaClient;

/**
 * The agent killed with SIGKILL while the guest's ext4 and xfs are frozen, then restarted by the
 * guest's init (issue 16, part 4). Each case repeats its scenario {@link #REPEATS} times
 * ({@code -Dguestd.e2e.freeze-restarts=N}), because the failure it guards against was a race (2 of 4
 * runs): the restarted agent's watchdog thawed the filesystems, the writer resumed, and
 * guest-fsfreeze-status still said {@code frozen}; and its window restarted from zero (thaw 15–18 s
 * after a freeze with a 10 s window).
 *
 * <ul>
 *   <li>{@code fsfreeze-restart-host-thaw} (both agents): the restarted agent reports {@code frozen};
 *       the host's guest-fsfreeze-thaw thaws; the status asked right after says {@code thawed}, the
 *       marker is gone (guestd) and both writes complete with their data.</li>
 *   <li>{@code fsfreeze-restart-auto-thaw} (guestd; qemu-ga has no watchdog): {@code [freeze]
 *       auto-thaw = 10s}; nobody thaws; the host polls the guest for the first write to complete and
 *       asks guest-fsfreeze-status at once: it must say {@code thawed}, and the thaw must come within
 *       the window counted from the original freeze (or at the restart, if that took longer).</li>
 * </ul>
 */
final class FreezeRestartCases {
    /** Repetitions of each scenario. */
    static final int REPEATS = Integer.getInteger("guestd.e2e.freeze-restarts", 10);
    /** The auto-thaw window of the watchdog case. */
    static final Duration WINDOW = Duration.ofSeconds(10);
    /** Host-side slack for the thaw time: polling through the control shell, TCG. */
    static final Duration SLACK = Duration.ofSeconds(4);
    private static final String MARKER = "/run/guestd/qga.state.isfrozen";

    private FreezeRestartCases() {
    }

    static List<Case> all() {
        return List.of(
                new Case("fsfreeze-restart-host-thaw", s -> repeat(s, FreezeRestartCases::hostThaw)),
                new Case("fsfreeze-restart-auto-thaw", FreezeRestartCases::autoThawCase));
    }

    private interface Round {
        String run(Session s, int round) throws Exception;
    }

    private static void repeat(Session s, Round r) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= REPEATS; i++) {
            String note = r.run(s, i);
            sb.append(sb.length() == 0 ? "" : "; ").append(note);
        }
        s.note(REPEATS + " rounds: " + sb);
    }

    /** Freeze, start a writer on each filesystem, SIGKILL the agent, wait for its successor. */
    private static long freezeAndKill(Session s) throws Exception {
        check("thawed".equals(s.ok("guest-fsfreeze-status")), "not thawed before the round");
        s.shell().sh("rm -f /tmp/wrote-* /mnt/ext4/frozen-write /mnt/xfs/frozen-write; sync");
        Object n = s.ok("guest-fsfreeze-freeze");
        long frozenAt = System.nanoTime();
        check(Json.asLong(n) != null && Json.asLong(n) >= 2, "froze " + n + " filesystems, expected ext4 and xfs");
        for (String fs : new String[] {"ext4", "xfs"}) {
            s.shell().sh("(echo e2e > /mnt/" + fs + "/frozen-write && touch /tmp/wrote-" + fs + ") >/dev/null 2>&1 &");
        }
        String old = s.shell().sh("cat /run/e2e/agent.pid");
        s.shell().sh("kill -9 " + old);
        long deadline = System.nanoTime() + Session.START_TIMEOUT.toNanos();
        while (s.shell().sh("cat /run/e2e/agent.pid").equals(old)) {
            check(System.nanoTime() < deadline, "the agent was not restarted");
            Sleep.millis(100);
        }
        QgaClient c = s.qga();
        c.timeout(Session.START_TIMEOUT).sync(); // the same host connection reaches the new process
        c.timeout(Session.REPLY_TIMEOUT);
        return frozenAt;
    }

    private static String hostThaw(Session s, int round) throws Exception {
        long frozenAt = freezeAndKill(s);
        boolean thawed = false;
        try {
            check(s.shell().sh("ls /tmp | grep -c wrote- || true").equals("0"), "a write completed while frozen");
            check("frozen".equals(s.ok("guest-fsfreeze-status")), "the restarted agent does not report frozen");
            Object t = s.ok("guest-fsfreeze-thaw");
            thawed = true;
            check(Json.asLong(t) != null && Json.asLong(t) >= 2, "thawed " + t + " filesystems");
            String st = (String) s.ok("guest-fsfreeze-status");
            check("thawed".equals(st), "round " + round + ": status right after the thaw is " + st);
            if (!s.agent().reference()) {
                check(s.shell().sh("test -e " + MARKER + " && echo yes || echo no").equals("no"),
                        "round " + round + ": the frozen marker outlived the thaw");
            }
            awaitWrites(s, round);
            return "thaw " + t + " after " + (System.nanoTime() - frozenAt) / 1_000_000 + " ms";
        } finally {
            if (!thawed) {
                FreezeCase.thawQuietly(s);
            }
        }
    }

    private static void autoThawCase(Session s) throws Exception {
        if (s.agent().reference()) {
            throw Session.skip("qemu-ga has no auto-thaw watchdog");
        }
        setWindow(s, "[freeze]\\nauto-thaw = " + WINDOW.toSeconds() + "s\\n");
        try {
            repeat(s, FreezeRestartCases::autoThaw);
        } finally {
            setWindow(s, null);
        }
    }

    private static String autoThaw(Session s, int round) throws Exception {
        long frozenAt = freezeAndKill(s);
        long up = System.nanoTime();
        long restartMs = (up - frozenAt) / 1_000_000;
        boolean ok = false;
        try {
            if (restartMs < WINDOW.toMillis() - 3000) {
                check("frozen".equals(s.ok("guest-fsfreeze-status")), "the restarted agent does not report frozen");
            }
            // poll for the first write to complete, then ask at once: the answer must be "thawed"
            long deadline = frozenAt + WINDOW.toNanos() + Session.START_TIMEOUT.toNanos();
            while (s.shell().sh("ls /tmp | grep -c wrote- || true").equals("0")) {
                check(System.nanoTime() < deadline, "no auto-thaw");
                Sleep.millis(50);
            }
            String st = (String) s.ok("guest-fsfreeze-status");
            long resumedMs = (System.nanoTime() - frozenAt) / 1_000_000;
            check("thawed".equals(st), "round " + round + ": a writer resumed " + resumedMs
                    + " ms after the freeze, guest-fsfreeze-status then said " + st);
            long latest = Math.max(WINDOW.toMillis(), restartMs) + SLACK.toMillis();
            check(resumedMs <= latest, "round " + round + ": thawed " + resumedMs + " ms after the freeze with a "
                    + WINDOW.toSeconds() + " s window (restart took " + restartMs + " ms): not counted from the freeze");
            check(resumedMs >= WINDOW.toMillis() - 2000, "round " + round + ": thawed after " + resumedMs
                    + " ms, before the " + WINDOW.toSeconds() + " s window");
            check(s.shell().sh("test -e " + MARKER + " && echo yes || echo no").equals("no"),
                    "round " + round + ": the frozen marker outlived the thaw");
            awaitWrites(s, round);
            ok = true;
            return "restart " + restartMs + " ms, thawed " + resumedMs + " ms after the freeze";
        } finally {
            if (!ok) {
                FreezeCase.thawQuietly(s);
            }
        }
    }

    /** Writes (or, with null, removes) /etc/guestd/guestd.conf and restarts the agent to read it. */
    private static void setWindow(Session s, String conf) throws Exception {
        if (conf == null) {
            s.shell().sh("rm -f /etc/guestd/guestd.conf");
        } else {
            s.shell().sh("mkdir -p /etc/guestd && printf '" + conf + "' > /etc/guestd/guestd.conf");
        }
        String old = s.shell().sh("cat /run/e2e/agent.pid");
        s.shell().sh("kill " + old);
        long deadline = System.nanoTime() + Session.START_TIMEOUT.toNanos();
        while (s.shell().sh("cat /run/e2e/agent.pid").equals(old)) {
            check(System.nanoTime() < deadline, "the agent was not restarted");
            Sleep.millis(100);
        }
        QgaClient c = s.qga();
        c.timeout(Session.START_TIMEOUT).sync();
        c.timeout(Session.REPLY_TIMEOUT);
    }

    private static void awaitWrites(Session s, int round) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!s.shell().sh("ls /tmp | grep -c wrote- || true").equals("2")) {
            check(System.nanoTime() < deadline, "round " + round + ": writers still blocked 60 s after the thaw");
            Sleep.millis(100);
        }
        check("e2e\ne2e".equals(s.shell().sh("cat /mnt/ext4/frozen-write /mnt/xfs/frozen-write")),
                "round " + round + ": written data lost");
    }
}
