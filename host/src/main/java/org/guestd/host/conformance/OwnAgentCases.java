// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.conformance;

import static org.guestd.host.conformance.CaseFailure.check;
import static org.guestd.host.conformance.CaseFailure.equal;
import static org.guestd.host.conformance.CaseFailure.error;
import static org.guestd.host.conformance.CaseFailure.noError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.guestd.host.qga.QgaReply;

/**
 * test-qga.c's cases that start their own agent: blockedrpcs, allowedrpcs, config ({@code -D}
 * with {@code QGA_CONF}) and guest-get-osinfo (with {@code QGA_OS_RELEASE}), with qemu's fixture
 * files tests/data/test-qga-config and tests/data/test-qga-os-release reproduced here.
 */
final class OwnAgentCases {
    static final String CONFIG = "[general]\ndaemon=false\nmethod=virtio-serial\npath=/path/to/org.qemu.guest_agent.0\n"
            + "pidfile=/var/foo/qemu-ga.pid\nstatedir=/var/state\nverbose=true\nblock-rpcs=guest-ping;guest-get-time\n";
    static final String OS_RELEASE = "ID=qemu-ga-test\nNAME=QEMU-GA\nPRETTY_NAME=\"QEMU Guest Agent test\"\n"
            + "VERSION=\"Test 1\"\nVERSION_ID=1\nVARIANT=\"Unit test \\\"\\'\\$\\`\\\\ and \\\\\\\\ etc.\"\n"
            + "VARIANT_ID=unit-test\n";

    private OwnAgentCases() {}

    private static void disabled(QgaReply r) throws CaseFailure {
        error(r, "CommandNotFound");
        check(r.errorDesc().contains("has been disabled"), "desc says disabled: " + r.errorDesc());
    }

    static void blockedRpcs(SuiteContext c) throws Exception {
        try (AgentLauncher.Running a = c.launcher.start(List.of("-b", "guest-ping,guest-get-time"), Map.of())) {
            disabled(a.client.execute("guest-ping"));
            disabled(a.client.execute("guest-get-time"));
            noError(a.client.execute("guest-get-fsinfo"));
            c.checkStops(a);
        }
    }

    static void allowedRpcs(SuiteContext c) throws Exception {
        try (AgentLauncher.Running a = c.launcher.start(List.of("-a", "guest-ping,guest-get-time"), Map.of())) {
            noError(a.client.execute("guest-ping"));
            noError(a.client.execute("guest-get-time"));
            disabled(a.client.execute("guest-get-fsinfo"));
            c.checkStops(a);
        }
    }

    static void config(SuiteContext c) throws Exception {
        Path dir = Files.createTempDirectory("qgatest-conf.");
        try {
            Path conf = Files.writeString(dir.resolve("test-qga-config"), CONFIG);
            AgentLauncher.Output out = c.launcher.run(List.of("-D"), Map.of("QGA_CONF", conf.toString()));
            equal("", out.stderr(), "stderr");
            equal(0, out.status(), "exit status");
            Map<String, Map<String, String>> kf = keyFile(out.stdout());
            check(!kf.isEmpty(), "output is a key file");
            equal("general", kf.keySet().iterator().next(), "start group");
            Map<String, String> g = kf.get("general");
            equal("false", g.get("daemon"), "daemon");
            equal("virtio-serial", g.get("method"), "method");
            equal("/path/to/org.qemu.guest_agent.0", g.get("path"), "path");
            equal("/var/foo/qemu-ga.pid", g.get("pidfile"), "pidfile");
            equal("/var/state", g.get("statedir"), "statedir");
            equal("true", g.get("verbose"), "verbose");
            List<String> blocked = stringList(g.get("block-rpcs"));
            equal(2, blocked.size(), "block-rpcs count " + blocked);
            check(blocked.contains("guest-ping") && blocked.contains("guest-get-time"), "block-rpcs " + blocked);
        } finally {
            AgentLauncher.deleteTree(dir);
        }
    }

    static void osinfo(SuiteContext c) throws Exception {
        Path dir = Files.createTempDirectory("qgatest-os.");
        try {
            Path osRelease = Files.writeString(dir.resolve("test-qga-os-release"), OS_RELEASE);
            try (AgentLauncher.Running a = c.launcher.start(List.of(), Map.of("QGA_OS_RELEASE", osRelease.toString()))) {
                Map<String, Object> r = noError(a.client.execute("guest-get-osinfo")).returnMap();
                equal("qemu-ga-test", r.get("id"), "id");
                equal("QEMU-GA", r.get("name"), "name");
                equal("QEMU Guest Agent test", r.get("pretty-name"), "pretty-name");
                equal("Test 1", r.get("version"), "version");
                equal("1", r.get("version-id"), "version-id");
                equal("Unit test \"'$`\\ and \\\\ etc.", r.get("variant"), "variant");
                equal("unit-test", r.get("variant-id"), "variant-id");
                c.checkStops(a);
            }
        } finally {
            AgentLauncher.deleteTree(dir);
        }
    }

    /** A GLib key file: groups in order, keys in order (comments and blank lines skipped). */
    static Map<String, Map<String, String>> keyFile(String text) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        Map<String, String> group = null;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                group = out.computeIfAbsent(line.substring(1, line.length() - 1), k -> new LinkedHashMap<>());
            } else if (group != null && line.indexOf('=') > 0) {
                int eq = line.indexOf('=');
                group.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return out;
    }

    /** {@code g_key_file_get_string_list}: ';'-separated, a trailing ';' allowed. */
    static List<String> stringList(String value) {
        List<String> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        for (String s : value.split(";", -1)) {
            out.add(s);
        }
        if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }
}
