// SPDX-License-Identifier: Apache-2.0
package org.guestd.ctl;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.guestd.core.facts.MemoryFact;
import org.guestd.core.status.AgentStatus;
import org.guestd.core.status.ChannelState;
import org.guestd.core.status.StatusJson;
import org.guestd.core.testing.FixtureTree;

/** Fixture systems for guestctl: processes, status files, and a captured command run. */
final class CtlFixtures {
    static final long T0 = 1_795_000_000_000_000_000L; // 2026-11-18T11:06:40Z
    static final long S = 1_000_000_000L;

    private CtlFixtures() {}

    /** A process under {@code proc/PID}. */
    static void process(FixtureTree t, long pid, String comm, String... argv) {
        t.file("proc/" + pid + "/comm", comm + "\n");
        t.bytes("proc/" + pid + "/cmdline", (String.join("\0", argv) + "\0").getBytes(StandardCharsets.UTF_8));
    }

    /** guestd as the packaged launcher runs it. */
    static void guestdProcess(FixtureTree t, long pid) {
        process(t, pid, "java", "/usr/bin/java", "-XX:+UseSerialGC", "-jar", "/usr/share/guestd/guestd.jar", "-m",
                "virtio-serial");
    }

    static AgentStatus status(long pid, boolean running, AgentStatus.Commands commands) {
        MemoryFact mem = new MemoryFact(1L << 30, 640L << 20, 812L << 20, 10L << 20, 100L << 20, 0, 0, 300L << 20,
                0, 0, 2L << 20, new MemoryFact.Pressure(1.5, 0.25, 42, 0, 0, 7), -1, T0 - 3 * S);
        return new AgentStatus(
                new AgentStatus.Agent("guestd", "0.1.0", pid, running, T0 - 3 * 3600 * S - 120 * S, T0 - 12 * S,
                        "/etc/guestd/guestd.conf", "/run/guestd"),
                List.of(new AgentStatus.Channel(ChannelState.open("qga",
                                "virtio-serial:/dev/virtio-ports/org.qemu.guest_agent.0", 1, "qga"),
                                new AgentStatus.Contact(T0 - 14 * S, "ping", 120)),
                        new AgentStatus.Channel(ChannelState.off("kvp", "no /dev/vmbus: not a Hyper-V guest",
                                "hyperv-kvp"), null)),
                AgentStatus.Freeze.THAWED, mem,
                new AgentStatus.Clock("auto", "rtc0", S, 12_000_000L, T0 - 4 * S,
                        new AgentStatus.Correction(T0 - 720 * S, "rtc0", 20_400_000_000L, "stepped")),
                commands);
    }

    static AgentStatus.Commands blocked() {
        return new AgentStatus.Commands("config file /etc/guestd/guestd.conf", List.of("guest-ping", "guest-info"),
                List.of("guest-exec", "guest-file-open"));
    }

    static void statusFile(FixtureTree t, AgentStatus s) {
        t.file("run/guestd/status.json", StatusJson.write(s));
    }

    /** What a guestctl run printed, and its status. */
    record Run(int rc, String out, String err) {}

    static Run guestctl(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = GuestCtl.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
