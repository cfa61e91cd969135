// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.status;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.guestd.core.facts.MemoryFact;
import org.guestd.core.json.Json;
import org.guestd.core.json.JsonReader;

/**
 * The status file's format ({@code status.json}, {@value #FORMAT}): one JSON object, keys in a fixed
 * order, times as ISO-8601 UTC text with milliseconds, sizes in bytes, offsets in nanoseconds. The
 * agent writes it with {@link #write}; {@code guestctl} reads it with {@link #read}, which ignores
 * keys it does not know and takes missing ones as absent, so a newer agent's file stays readable.
 *
 * <pre>
 * {"format": 1,
 *  "agent": {"name", "version", "pid", "running", "started", "written", "config-file", "state-dir"},
 *  "channels": [{"name", "state": "open"|"off", "transport", "reason", "sessions", "contact-source",
 *                "last-contact": {"at", "kind", "count"}}],
 *  "freeze": {"state": "thawed"|"frozen"|"unavailable", "by", "since", "auto-thaw-at"},
 *  "memory": {"sampled", "total", "available", "free", "buffers", "cached", "swap-total", "swap-free",
 *             "committed", "hugepages-total", "hugepages-free", "hugepage-size", "balloon",
 *             "pressure": {"some-avg10", "some-avg60", "some-total-us", "full-avg10", "full-avg60", "full-total-us"}},
 *  "clock": {"mode", "source", "threshold-ns", "offset-ns", "checked",
 *            "last-correction": {"at", "source", "offset-ns", "action"}},
 *  "commands": {"policy", "enabled": [...], "disabled": [...]}}
 * </pre>
 */
public final class StatusJson {
    /** The format version written. */
    public static final int FORMAT = 1;

    private StatusJson() {}

    /** The status as one line of JSON, newline-terminated. */
    public static String write(AgentStatus s) {
        return Json.write(toJson(s)) + "\n";
    }

    /** The status as the JSON value model. */
    public static Map<String, Object> toJson(AgentStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        AgentStatus.Agent a = s.agent();
        Map<String, Object> agent = Json.obj("name", a.name(), "version", a.version(), "pid", a.pid(),
                "running", a.running(), "started", time(a.startedNanos()), "written", time(a.writtenNanos()));
        putIf(agent, "config-file", a.configFile());
        putIf(agent, "state-dir", a.stateDir());
        m.put("agent", agent);
        List<Object> channels = new ArrayList<>();
        for (AgentStatus.Channel c : s.channels()) {
            channels.add(channel(c));
        }
        m.put("channels", channels);
        m.put("freeze", freeze(s.freeze()));
        if (s.memory() != null) {
            m.put("memory", memory(s.memory()));
        }
        if (s.clock() != null) {
            m.put("clock", clock(s.clock()));
        }
        if (s.commands() != null) {
            AgentStatus.Commands c = s.commands();
            Map<String, Object> cm = new LinkedHashMap<>();
            putIf(cm, "policy", c.policy());
            cm.put("enabled", c.enabled());
            cm.put("disabled", c.disabled());
            m.put("commands", cm);
        }
        return m;
    }

    private static Map<String, Object> channel(AgentStatus.Channel c) {
        ChannelState st = c.state();
        Map<String, Object> m = Json.obj("name", st.name(), "state", st.state().name().toLowerCase(Locale.ROOT));
        putIf(m, "transport", st.transport());
        putIf(m, "reason", st.reason());
        if (st.sessions() >= 0) {
            m.put("sessions", st.sessions());
        }
        putIf(m, "contact-source", st.contactSource());
        if (c.lastContact() != null) {
            AgentStatus.Contact k = c.lastContact();
            m.put("last-contact", Json.obj("at", time(k.atNanos()), "kind", k.kind(), "count", k.count()));
        }
        return m;
    }

    private static Map<String, Object> freeze(AgentStatus.Freeze f) {
        Map<String, Object> m = Json.obj("state", f.state().name().toLowerCase(Locale.ROOT));
        if (f.state() == AgentStatus.FreezeState.FROZEN) {
            putIf(m, "by", f.by());
            m.put("since", time(f.sinceNanos()));
            if (f.autoThawAtNanos() >= 0) {
                m.put("auto-thaw-at", time(f.autoThawAtNanos()));
            }
        }
        return m;
    }

    private static Map<String, Object> memory(MemoryFact f) {
        Map<String, Object> m = Json.obj("sampled", time(f.sampledAtNanos()), "total", f.totalBytes(),
                "available", f.availableBytes(), "free", f.freeBytes(), "buffers", f.buffersBytes(),
                "cached", f.cachedBytes(), "swap-total", f.swapTotalBytes(), "swap-free", f.swapFreeBytes(),
                "committed", f.committedBytes(), "hugepages-total", f.hugePagesTotal(),
                "hugepages-free", f.hugePagesFree(), "hugepage-size", f.hugePageBytes());
        if (f.balloonBytes() >= 0) {
            m.put("balloon", f.balloonBytes());
        }
        MemoryFact.Pressure p = f.pressure();
        if (p != null) {
            m.put("pressure", Json.obj("some-avg10", p.someAvg10(), "some-avg60", p.someAvg60(),
                    "some-total-us", p.someTotalMicros(), "full-avg10", p.fullAvg10(), "full-avg60", p.fullAvg60(),
                    "full-total-us", p.fullTotalMicros()));
        }
        return m;
    }

    private static Map<String, Object> clock(AgentStatus.Clock c) {
        Map<String, Object> m = Json.obj("mode", c.mode());
        putIf(m, "source", c.source());
        m.put("threshold-ns", c.thresholdNanos());
        if (c.checkedNanos() != 0) {
            m.put("offset-ns", c.offsetNanos());
            m.put("checked", time(c.checkedNanos()));
        }
        AgentStatus.Correction k = c.lastCorrection();
        if (k != null) {
            m.put("last-correction", Json.obj("at", time(k.atNanos()), "source", k.source(),
                    "offset-ns", k.offsetNanos(), "action", k.action()));
        }
        return m;
    }

    private static void putIf(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    /** Wall-clock ns as ISO-8601 UTC text with milliseconds ({@code 2026-11-24T10:02:11.123Z}). */
    public static String time(long nanos) {
        Instant i = Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
        return i.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    /** ISO-8601 text back to ns since the epoch. */
    public static long parseTime(String text) {
        try {
            Instant i = Instant.parse(text);
            return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
        } catch (DateTimeException | ArithmeticException e) {
            throw new IllegalArgumentException("not a time: " + text, e);
        }
    }

    /**
     * Parses a status file.
     *
     * @throws IllegalArgumentException when it is not JSON, not an object, or has no agent
     */
    public static AgentStatus read(String text) {
        Object v = JsonReader.parse(text);
        if (!(v instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("the status is not a JSON object");
        }
        Map<?, ?> a = map(m.get("agent"));
        if (a == null) {
            throw new IllegalArgumentException("the status has no \"agent\"");
        }
        AgentStatus.Agent agent = new AgentStatus.Agent(str(a, "name", "guestd"), str(a, "version", "?"),
                num(a, "pid", -1), Boolean.TRUE.equals(a.get("running")), when(a, "started", 0),
                when(a, "written", 0), str(a, "config-file", null), str(a, "state-dir", null));
        List<AgentStatus.Channel> channels = new ArrayList<>();
        if (m.get("channels") instanceof List<?> list) {
            for (Object o : list) {
                Map<?, ?> c = map(o);
                if (c != null && c.get("name") instanceof String) {
                    channels.add(readChannel(c));
                }
            }
        }
        return new AgentStatus(agent, channels, readFreeze(map(m.get("freeze"))), readMemory(map(m.get("memory"))),
                readClock(map(m.get("clock"))), readCommands(map(m.get("commands"))));
    }

    private static AgentStatus.Channel readChannel(Map<?, ?> c) {
        ChannelState.State state = "open".equals(c.get("state")) ? ChannelState.State.OPEN : ChannelState.State.OFF;
        String reason = str(c, "reason", null);
        if (state == ChannelState.State.OFF && reason == null) {
            reason = "";
        }
        ChannelState st = new ChannelState((String) c.get("name"), state, str(c, "transport", null), reason,
                (int) num(c, "sessions", -1), str(c, "contact-source", null));
        Map<?, ?> k = map(c.get("last-contact"));
        AgentStatus.Contact contact = k == null ? null
                : new AgentStatus.Contact(when(k, "at", 0), str(k, "kind", ""), num(k, "count", 0));
        return new AgentStatus.Channel(st, contact);
    }

    private static AgentStatus.Freeze readFreeze(Map<?, ?> f) {
        if (f == null) {
            return AgentStatus.Freeze.UNAVAILABLE;
        }
        return switch (str(f, "state", "")) {
            case "frozen" -> new AgentStatus.Freeze(AgentStatus.FreezeState.FROZEN, str(f, "by", null),
                    when(f, "since", 0), f.containsKey("auto-thaw-at") ? when(f, "auto-thaw-at", -1) : -1);
            case "thawed" -> AgentStatus.Freeze.THAWED;
            default -> AgentStatus.Freeze.UNAVAILABLE;
        };
    }

    private static MemoryFact readMemory(Map<?, ?> m) {
        if (m == null) {
            return null;
        }
        Map<?, ?> p = map(m.get("pressure"));
        MemoryFact.Pressure pressure = p == null ? null
                : new MemoryFact.Pressure(dbl(p, "some-avg10"), dbl(p, "some-avg60"), num(p, "some-total-us", 0),
                        dbl(p, "full-avg10"), dbl(p, "full-avg60"), num(p, "full-total-us", 0));
        return new MemoryFact(num(m, "total", 0), num(m, "free", 0), num(m, "available", 0), num(m, "buffers", 0),
                num(m, "cached", 0), num(m, "swap-total", 0), num(m, "swap-free", 0), num(m, "committed", 0),
                num(m, "hugepages-total", 0), num(m, "hugepages-free", 0), num(m, "hugepage-size", 0), pressure,
                num(m, "balloon", -1), when(m, "sampled", 0));
    }

    private static AgentStatus.Clock readClock(Map<?, ?> c) {
        if (c == null) {
            return null;
        }
        Map<?, ?> k = map(c.get("last-correction"));
        AgentStatus.Correction last = k == null ? null
                : new AgentStatus.Correction(when(k, "at", 0), str(k, "source", null), num(k, "offset-ns", 0),
                        str(k, "action", ""));
        return new AgentStatus.Clock(str(c, "mode", "auto"), str(c, "source", null), num(c, "threshold-ns", 0),
                num(c, "offset-ns", 0), when(c, "checked", 0), last);
    }

    private static AgentStatus.Commands readCommands(Map<?, ?> c) {
        if (c == null) {
            return null;
        }
        return new AgentStatus.Commands(str(c, "policy", null), strings(c.get("enabled")), strings(c.get("disabled")));
    }

    private static Map<?, ?> map(Object o) {
        return o instanceof Map<?, ?> m ? m : null;
    }

    private static String str(Map<?, ?> m, String key, String dflt) {
        return m.get(key) instanceof String s ? s : dflt;
    }

    private static long num(Map<?, ?> m, String key, long dflt) {
        Long l = Json.asLong(m.get(key));
        return l == null ? dflt : l;
    }

    private static double dbl(Map<?, ?> m, String key) {
        return m.get(key) instanceof Number n ? n.doubleValue() : 0;
    }

    private static long when(Map<?, ?> m, String key, long dflt) {
        String s = str(m, key, null);
        return s == null ? dflt : parseTime(s);
    }

    private static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> list) {
            for (Object e : list) {
                if (e instanceof String s) {
                    out.add(s);
                }
            }
        }
        return out;
    }
}
