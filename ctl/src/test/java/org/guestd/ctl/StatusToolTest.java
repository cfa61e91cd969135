// SPDX-License-Identifier: Apache-2.0
package org.guestd.ctl;

import static org.guestd.ctl.CtlFixtures.S;
import static org.guestd.ctl.CtlFixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.guestd.core.json.JsonReader;
import org.guestd.core.status.AgentStatus;
import org.guestd.core.status.StatusJson;
import org.guestd.core.testing.FixtureTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusToolTest {
    @TempDir
    Path root;

    CtlFixtures.Run show(FixtureTree t, boolean json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Roots roots = new Roots(t.root(), null);
        int rc = StatusTool.show(roots, roots.stateDir(Optional.empty()).resolve("status.json"), json,
                new StatusTool.Now(T0, ZoneOffset.UTC), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CtlFixtures.Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void readableByDefault() {
        FixtureTree t = new FixtureTree(root);
        CtlFixtures.guestdProcess(t, 412);
        CtlFixtures.statusFile(t, CtlFixtures.status(412, true, CtlFixtures.blocked()));
        CtlFixtures.Run r = show(t, false);
        assertEquals(0, r.rc(), r.err());
        assertEquals(String.join("\n",
                "guestd 0.1.0 (pid 412): running since 08:04:40 (3 h 2 min ago)",
                "status        written 12 s ago",
                "config file   /etc/guestd/guestd.conf",
                "",
                "channels",
                "  qga    open  virtio-serial:/dev/virtio-ports/org.qemu.guest_agent.0, 1 session; last host contact"
                        + " 14 s ago (ping, 120 in all)",
                "  kvp    off   no /dev/vmbus: not a Hyper-V guest",
                "",
                "filesystems   thawed",
                "memory        812 MiB available of 1.0 GiB (free 640 MiB, cached 100 MiB); sampled 3 s ago",
                "              swap 0 B used of 0 B; pressure 1.50 % (10 s), 0.25 % (60 s)",
                "clock         0.012 s behind rtc0 (checked 4 s ago; corrected beyond 1.000 s, mode auto)",
                "              last correction 10:54:40 (12 min 0 s ago): 20.400 s behind rtc0, stepped",
                "commands      2 enabled, 2 disabled (policy from config file /etc/guestd/guestd.conf)",
                "              disabled: guest-exec, guest-file-open",
                ""), r.out());
    }

    @Test
    void frozenShowsWhenTheAutoThawFires() {
        FixtureTree t = new FixtureTree(root);
        CtlFixtures.guestdProcess(t, 412);
        AgentStatus s = CtlFixtures.status(412, true, null);
        s = new AgentStatus(s.agent(), s.channels(), new AgentStatus.Freeze(AgentStatus.FreezeState.FROZEN,
                "hyperv-vss", T0 - 10 * S, T0 + 290 * S), s.memory(), s.clock(), s.commands());
        CtlFixtures.statusFile(t, s);
        String out = show(t, false).out();
        assertTrue(out.contains("filesystems   FROZEN by hyperv-vss since 11:06:30 (10 s ago)\n"
                + "              auto-thaw at 11:11:30 (in 4 min 50 s)\n"), out);
    }

    @Test
    void jsonIsTheFileWithAliveAdded() {
        FixtureTree t = new FixtureTree(root);
        CtlFixtures.guestdProcess(t, 412);
        CtlFixtures.statusFile(t, CtlFixtures.status(412, true, null));
        CtlFixtures.Run r = show(t, true);
        assertEquals(0, r.rc());
        Map<?, ?> m = (Map<?, ?>) JsonReader.parse(r.out());
        assertEquals(List.of("format", "alive", "agent", "channels", "freeze", "memory", "clock"),
                List.copyOf(m.keySet()));
        assertEquals(true, m.get("alive"));
        assertEquals("2026-11-18T11:06:26Z", ((Map<?, ?>) ((Map<?, ?>) ((List<?>) m.get("channels")).get(0))
                .get("last-contact")).get("at"));
    }

    @Test
    void aGoneProcessOrAStoppedAgentIsNotRunning() {
        FixtureTree t = new FixtureTree(root);
        CtlFixtures.statusFile(t, CtlFixtures.status(412, true, null)); // no process 412
        CtlFixtures.Run r = show(t, false);
        assertEquals(StatusTool.NOT_RUNNING, r.rc());
        assertTrue(r.out().startsWith("guestd 0.1.0 (pid 412) is not running: its process is gone (killed or "
                + "crashed?); last status written 11:06:28 (12 s ago)\n"), r.out());
        assertEquals(false, ((Map<?, ?>) JsonReader.parse(show(t, true).out())).get("alive"));

        CtlFixtures.process(t, 412, "bash", "/bin/bash"); // the pid was reused by something else
        assertEquals(StatusTool.NOT_RUNNING, show(t, false).rc());

        CtlFixtures.guestdProcess(t, 412);
        CtlFixtures.statusFile(t, CtlFixtures.status(412, false, null)); // written on a clean stop
        r = show(t, false);
        assertEquals(StatusTool.NOT_RUNNING, r.rc());
        assertTrue(r.out().startsWith("guestd 0.1.0 (pid 412) is not running: stopped 11:06:28 (12 s ago)\n"), r.out());
    }

    @Test
    void noOrBadStatusFile() {
        FixtureTree t = new FixtureTree(root);
        CtlFixtures.Run r = show(t, false);
        assertEquals(StatusTool.NO_STATUS, r.rc());
        assertTrue(r.err().contains("no status file " + root.resolve("run/guestd/status.json")
                + ": guestd is not running"), r.err());
        CtlFixtures.guestdProcess(t, 99);
        assertTrue(show(t, false).err().contains("guestd runs but has not written one"));
        t.file("run/guestd/status.json", "{\"agent\": ");
        r = show(t, false);
        assertEquals(StatusTool.NO_STATUS, r.rc());
        assertTrue(r.err().contains("is not a status file"), r.err());
    }

    @Test
    void stateDirFromTheOptionOrTheConfigFile() {
        FixtureTree t = new FixtureTree(root);
        CtlFixtures.guestdProcess(t, 412);
        t.file("etc/guestd/guestd.conf", "[general]\nstatedir=/var/run/elsewhere\n");
        t.file("var/run/elsewhere/status.json", StatusJson.write(
                CtlFixtures.status(412, true, null)));
        CtlFixtures.Run r = CtlFixtures.guestctl("status", "--json", "--root", root.toString());
        assertEquals(0, r.rc(), r.err());
        r = CtlFixtures.guestctl("status", "--root", root.toString(), "--state-dir", root.resolve("nowhere").toString());
        assertEquals(StatusTool.NO_STATUS, r.rc());
        assertEquals(GuestCtl.USAGE, CtlFixtures.guestctl("status", "--jsn").rc());
        assertEquals(GuestCtl.USAGE, CtlFixtures.guestctl("status", "--state-dir").rc());
    }
}
