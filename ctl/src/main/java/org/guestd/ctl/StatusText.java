// SPDX-License-Identifier: Apache-2.0
package org.guestd.ctl;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.guestd.core.facts.MemoryFact;
import org.guestd.core.status.AgentStatus;
import org.guestd.core.status.ChannelState;

/** The status file for people: one block per part, times local and relative to now. */
final class StatusText {
    private static final DateTimeFormatter DAY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
    private static final String INDENT = "              ";

    private final long now;
    private final ZoneId zone;
    private final StringBuilder sb = new StringBuilder();

    private StatusText(long nowNanos, ZoneId zone) {
        this.now = nowNanos;
        this.zone = zone;
    }

    /**
     * @param alive whether the agent that wrote it runs now
     * @param nowNanos the wall clock now
     */
    static String format(AgentStatus s, boolean alive, long nowNanos, ZoneId zone) {
        return new StatusText(nowNanos, zone).all(s, alive);
    }

    private String all(AgentStatus s, boolean alive) {
        AgentStatus.Agent a = s.agent();
        sb.append(a.name()).append(' ').append(a.version()).append(" (pid ").append(a.pid()).append(')');
        if (alive) {
            sb.append(": running since ").append(when(a.startedNanos()));
        } else if (!a.running()) {
            sb.append(" is not running: stopped ").append(when(a.writtenNanos()));
        } else {
            sb.append(" is not running: its process is gone (killed or crashed?); last status written ")
                    .append(when(a.writtenNanos()));
        }
        sb.append('\n');
        if (alive) {
            line("status", "written " + ago(a.writtenNanos()));
        }
        line("config file", a.configFile() == null ? "none (built-in defaults and the command line)" : a.configFile());
        sb.append('\n').append("channels\n");
        int width = 5;
        for (AgentStatus.Channel c : s.channels()) {
            width = Math.max(width, c.state().name().length());
        }
        for (AgentStatus.Channel c : s.channels()) {
            channel(c, width);
        }
        sb.append('\n');
        freeze(s.freeze());
        memory(s.memory());
        clock(s.clock());
        commands(s.commands());
        return sb.toString();
    }

    private void line(String label, String text) {
        sb.append(String.format(Locale.ROOT, "%-14s", label)).append(text).append('\n');
    }

    private void more(String text) {
        sb.append(INDENT).append(text).append('\n');
    }

    private void channel(AgentStatus.Channel c, int width) {
        ChannelState st = c.state();
        sb.append("  ").append(String.format(Locale.ROOT, "%-" + width + "s", st.name())).append("  ");
        if (st.state() == ChannelState.State.OFF) {
            sb.append("off   ").append(st.reason() == null || st.reason().isEmpty() ? "" : st.reason());
        } else {
            sb.append("open  ").append(st.transport() == null ? "" : st.transport());
            if (st.sessions() >= 0) {
                sb.append(", ").append(st.sessions()).append(st.sessions() == 1 ? " session" : " sessions");
            }
            AgentStatus.Contact k = c.lastContact();
            sb.append("; ").append(k == null ? "no host contact yet"
                    : "last host contact " + ago(k.atNanos()) + " (" + k.kind() + ", " + k.count() + " in all)");
        }
        sb.append('\n');
    }

    private void freeze(AgentStatus.Freeze f) {
        switch (f.state()) {
            case UNAVAILABLE -> line("filesystems", "no freeze support in this agent");
            case THAWED -> line("filesystems", "thawed");
            case FROZEN -> {
                line("filesystems", "FROZEN by " + f.by() + " since " + when(f.sinceNanos()));
                more(f.autoThawAtNanos() < 0 ? "no auto-thaw ([freeze] auto-thaw=0): thaw with the host's backup tool"
                        : "auto-thaw at " + when(f.autoThawAtNanos()));
            }
            default -> { }
        }
    }

    private void memory(MemoryFact m) {
        if (m == null) {
            line("memory", "no sample yet");
            return;
        }
        line("memory", bytes(m.availableBytes()) + " available of " + bytes(m.totalBytes()) + " (free "
                + bytes(m.freeBytes()) + ", cached " + bytes(m.cachedBytes()) + "); sampled " + ago(m.sampledAtNanos()));
        StringBuilder x = new StringBuilder("swap " + bytes(m.swapTotalBytes() - m.swapFreeBytes()) + " used of "
                + bytes(m.swapTotalBytes()));
        if (m.pressure() != null) {
            x.append(String.format(Locale.ROOT, "; pressure %.2f %% (10 s), %.2f %% (60 s)", m.pressure().someAvg10(),
                    m.pressure().someAvg60()));
        }
        if (m.balloonBytes() >= 0) {
            x.append("; balloon holds ").append(bytes(m.balloonBytes()));
        }
        more(x.toString());
    }

    private void clock(AgentStatus.Clock c) {
        if (c == null) {
            return;
        }
        if ("off".equals(c.mode())) {
            line("clock", "not healed ([timesync] mode=off)");
        } else if (c.source() == null) {
            line("clock", "not healed: no hypervisor time source (no KVM/Hyper-V PTP clock, no RTC in a VM)");
        } else if (c.checkedNanos() == 0) {
            line("clock", "compared with " + c.source() + "; no check yet");
        } else {
            long off = c.offsetNanos();
            line("clock", seconds(Math.abs(off)) + (off >= 0 ? " behind " : " ahead of ") + c.source() + " (checked "
                    + ago(c.checkedNanos()) + "; corrected beyond " + seconds(c.thresholdNanos()) + ", mode "
                    + c.mode() + ")");
        }
        AgentStatus.Correction k = c.lastCorrection();
        if (k != null) {
            more("last correction " + when(k.atNanos()) + ": " + seconds(Math.abs(k.offsetNanos()))
                    + (k.offsetNanos() >= 0 ? " behind " : " ahead of ") + k.source() + ", " + k.action());
        }
    }

    private void commands(AgentStatus.Commands c) {
        if (c == null) {
            return;
        }
        line("commands", c.enabled().size() + " enabled, " + c.disabled().size() + " disabled ("
                + (c.policy() == null ? "no block-rpcs or allow-rpcs set: everything enabled, as qemu-ga"
                        : "policy from " + c.policy()) + ")");
        if (!c.disabled().isEmpty()) {
            more("disabled: " + String.join(", ", c.disabled()));
        }
    }

    /** A past or future time: local, and how long ago or from now. */
    private String when(long nanos) {
        ZonedDateTime t = Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L)).atZone(zone);
        ZonedDateTime n = Instant.ofEpochSecond(Math.floorDiv(now, 1_000_000_000L)).atZone(zone);
        String at = t.toLocalDate().equals(n.toLocalDate()) ? TIME.format(t) : DAY_TIME.format(t);
        long d = now - nanos;
        return at + " (" + (d >= 0 ? duration(d) + " ago" : "in " + duration(-d)) + ")";
    }

    private String ago(long nanos) {
        long d = now - nanos;
        return d >= 0 ? duration(d) + " ago" : "in " + duration(-d);
    }

    static String duration(long nanos) {
        long s = nanos / 1_000_000_000L;
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min " + s % 60 + " s";
        }
        if (s < 86400) {
            return s / 3600 + " h " + s % 3600 / 60 + " min";
        }
        return s / 86400 + " d " + s % 86400 / 3600 + " h";
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }

    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return v >= 100 ? String.format(Locale.ROOT, "%.0f %s", v, units[u])
                : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
