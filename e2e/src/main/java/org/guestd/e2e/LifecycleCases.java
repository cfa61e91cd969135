// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e;

import static org.guestd.e2e.Session.check;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.guestd.host.qga.QgaClient;
import org.guestd.host.qga.QgaReply;

/**
 * Connection and life-cycle cases: the host going away and coming back, the agent restarting under
 * a connected host, a hard reset, a guest reboot and a power-off requested through the agent.
 * Power-off ends the VM, so it runs last.
 */
final class LifecycleCases {

    private LifecycleCases() {
    }

    static List<Case> all() {
        return List.of(
                new Case("host-reconnect", LifecycleCases::hostReconnect),
                new Case("agent-restart", LifecycleCases::agentRestart),
                new Case("hard-reset", LifecycleCases::hardReset),
                new Case("reboot", LifecycleCases::reboot),
                new Case("powerdown", LifecycleCases::powerdown));
    }

    private static void hostReconnect(Session s) throws Exception {
        String pid = s.shell().sh("cat /run/e2e/agent.pid");
        for (int i = 1; i <= 3; i++) {
            s.disconnect();
            Sleep.millis(500);
            check(Map.of().equals(s.ok("guest-ping")), "ping after reconnect " + i);
        }
        // A host that connects and goes away without a word, then a host that sends half a request.
        s.disconnect();
        try (QgaClient c = QgaClient.connect(s.vm().qgaSocket(), Duration.ofSeconds(10))) {
            c.sendRaw("{\"execute\": \"guest-pi");
        }
        check(Map.of().equals(s.ok("guest-ping")), "ping after a host left mid-request");
        check(pid.equals(s.shell().sh("cat /run/e2e/agent.pid")), "the agent restarted during reconnects");
        s.note("5 host sessions served by agent pid " + pid);
    }

    private static void agentRestart(Session s) throws Exception {
        QgaClient c = s.qga();
        String old = s.shell().sh("cat /run/e2e/agent.pid");
        s.shell().sh("kill " + old);
        long deadline = System.nanoTime() + 60_000_000_000L;
        String now;
        while ((now = s.shell().sh("cat /run/e2e/agent.pid")).equals(old)) {
            check(System.nanoTime() < deadline, "the agent was not restarted");
            Sleep.millis(200);
        }
        long t0 = System.nanoTime();
        c.timeout(Session.START_TIMEOUT).sync();       // same host connection, new agent process
        c.timeout(Session.REPLY_TIMEOUT);
        check(Map.of().equals(s.ok("guest-ping")), "ping after the agent restarted");
        s.note("agent pid " + old + " -> " + now + ", answered on the same host connection "
                + (System.nanoTime() - t0) / 1_000_000 + " ms after its restart");
    }

    private static void hardReset(Session s) throws Exception {
        String boot = s.shell().sh("cat /proc/sys/kernel/random/boot_id");
        s.disconnect();
        s.qmp().execute("system_reset", null);
        awaitNewBoot(s, boot, "system_reset");
    }

    private static void reboot(Session s) throws Exception {
        String boot = s.shell().sh("cat /proc/sys/kernel/random/boot_id");
        Optional<QgaReply> r = s.qga().executeNoReply("guest-shutdown", Map.of("mode", "reboot"), Duration.ofSeconds(5));
        s.disconnect();
        if (r.isPresent()) {
            noReplyExpected(s, r.get());
        }
        awaitNewBoot(s, boot, "guest-shutdown reboot");
    }

    private static void powerdown(Session s) throws Exception {
        Optional<QgaReply> r = s.qga().executeNoReply("guest-shutdown", Map.of("mode", "powerdown"), Duration.ofSeconds(5));
        if (r.isPresent()) {
            noReplyExpected(s, r.get());
        }
        long t0 = System.nanoTime();
        OptionalInt rc = s.vm().waitExit(Duration.ofSeconds(120));
        check(rc.isPresent(), "QEMU still runs 120 s after guest-shutdown powerdown");
        check(rc.getAsInt() == 0, "QEMU exited with status " + rc.getAsInt());
        s.note("QEMU exited 0, " + (System.nanoTime() - t0) / 1_000_000 + " ms after the request");
    }

    private static void noReplyExpected(Session s, QgaReply r) {
        if ("CommandNotFound".equals(r.errorClass())) {
            throw new Verdict.NotImplemented("guest-shutdown", r.errorDesc());
        }
        throw new Verdict.CaseFailure("guest-shutdown answered " + r.raw());
    }

    /** Waits for the control shell to report a new boot id, then for the agent to answer again. */
    private static void awaitNewBoot(Session s, String oldBoot, String how) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + Session.START_TIMEOUT.toNanos();
        String boot;
        do {
            check(System.nanoTime() < deadline, "no new boot after " + how);
            boot = s.shell().runWhenUp("cat /proc/sys/kernel/random/boot_id", Session.START_TIMEOUT).text();
        } while (boot.equals(oldBoot));
        long booted = System.nanoTime();
        check(Map.of().equals(s.ok("guest-ping")), "ping after " + how);
        s.note(String.format("%s: guest up again after %.1f s, agent answered %.1f s later", how,
                (booted - t0) / 1e9, (System.nanoTime() - booted) / 1e9));
    }
}
