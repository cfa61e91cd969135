// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e.xen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one nested-Xen boot showed on its console: dom0's marks ({@code XENE2E-MARK t=.. what}), the
 * domU's keys as dom0's {@code xenstore-ls -f} printed them ({@code XENE2E-KEY}), dom0's own checks
 * ({@code XENE2E-CHECK}), each with the host time it was seen.
 */
public final class XenRun {
    private static final Pattern KEY = Pattern.compile("^XENE2E-KEY (/\\S+) = \"(.*)\"\\s*$");
    private static final Pattern CHECK = Pattern.compile("^XENE2E-CHECK (\\S+) (ok|fail)(.*)$");
    private static final Pattern VIEW = Pattern.compile("^XENE2E-DOMU-VIEW (.*)$");
    private static final Pattern ADDR = Pattern.compile("^XENE2E-ADDR ms=(\\d+)\\s*$");

    private final List<XenVm.Line> lines;
    private final int qemuExit;
    private final Map<String, String> keys = new LinkedHashMap<>();
    private final Map<String, String> checks = new LinkedHashMap<>();
    private final List<String> domUView = new ArrayList<>();
    private long addressChangeMillis = -1;

    public XenRun(List<XenVm.Line> lines, int qemuExit) {
        this.lines = List.copyOf(lines);
        this.qemuExit = qemuExit;
        for (XenVm.Line l : lines) {
            Matcher k = KEY.matcher(l.text());
            if (k.matches()) {
                keys.put(k.group(1), unescape(k.group(2)));
            }
            Matcher c = CHECK.matcher(l.text());
            if (c.matches()) {
                checks.put(c.group(1), c.group(2) + c.group(3));
            }
            Matcher v = VIEW.matcher(l.text());
            if (v.matches()) {
                domUView.add(v.group(1).strip());
            }
            Matcher a = ADDR.matcher(l.text());
            if (a.matches()) {
                addressChangeMillis = Long.parseLong(a.group(1));
            }
        }
    }

    /** xenstore-ls escapes non-printable bytes as \xNN and backslash as \\; quotes as \". */
    static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                if (n == 'x' && i + 2 < s.length()) {
                    sb.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                } else {
                    sb.append(n);
                }
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** QEMU's exit status (124: the hard time limit). */
    public int qemuExit() {
        return qemuExit;
    }

    /** The domU's keys, by absolute path. */
    public Map<String, String> keys() {
        return keys;
    }

    /** The domU's own view as its control port printed it (meminfo lines, df -k, bus nodes), in order. */
    public List<String> domUView() {
        return domUView;
    }

    /** Milliseconds (dom0's clock) from the address added in the domU to its key in xenstore, or -1. */
    public long addressChangeMillis() {
        return addressChangeMillis;
    }

    /** dom0's checks: name → "ok" or "fail (...)". */
    public Map<String, String> checks() {
        return checks;
    }

    /** Host milliseconds since QEMU start at which a mark containing {@code what} appeared. */
    public OptionalLong markAt(String what) {
        for (XenVm.Line l : lines) {
            if (l.text().startsWith("XENE2E-MARK") && l.text().contains(what)) {
                return OptionalLong.of(l.millis());
            }
        }
        return OptionalLong.empty();
    }

    /** Whether a console line contains {@code text}. */
    public boolean saw(String text) {
        return lines.stream().anyMatch(l -> l.text().contains(text));
    }

    /**
     * Why this run says nothing about guestd (the nested machine itself failed), or null when it got
     * far enough: the domU was running. A boot failure is retried once.
     */
    public String bootFailure() {
        for (String fatal : List.of("Panic on CPU", "Triple fault", "Hardware Dom0 crashed", "Kernel panic")) {
            if (saw(fatal) && markAt("domU unpaused").isEmpty()) {
                return "the nested machine crashed (" + fatal + ")";
            }
        }
        if (markAt("dom0 init started").isEmpty()) {
            return "dom0 never started its /init (QEMU exit " + qemuExit + ")";
        }
        if (markAt("xenstored up").isEmpty()) {
            return "xenstored did not come up";
        }
        if (markAt("xl create returned rc=0").isEmpty()) {
            return "xl create failed or hung";
        }
        if (!saw("XENE2E-DOMU") ) {
            return "the domU's /init never ran";
        }
        if (saw("domU died before guestd wrote its keys")) {
            return "the domU died (its kernel, not guestd, which its init restarts)";
        }
        return null;
    }

    /** The console lines from dom0 and Xen (without the domU's), last {@code n}. */
    public List<String> dom0Tail(int n) {
        return tail(false, n);
    }

    /** The domU's console lines, last {@code n}. */
    public List<String> domUTail(int n) {
        return tail(true, n);
    }

    private List<String> tail(boolean domU, int n) {
        List<String> out = new ArrayList<>();
        for (XenVm.Line l : lines) {
            if (l.text().startsWith("[domU] ") == domU) {
                out.add(String.format("[%7.2f] %s", l.millis() / 1000.0, l.text()));
            }
        }
        return out.subList(Math.max(0, out.size() - n), out.size());
    }
}
