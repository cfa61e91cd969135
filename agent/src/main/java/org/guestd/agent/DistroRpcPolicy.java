// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.guestd.core.config.AgentConfig;
import org.guestd.core.config.ConfigException;
import org.guestd.core.config.ConfigSection;
import org.guestd.qga.QgaService;

/**
 * The RPC policy a distribution set for qemu-ga, so that guestd, installed in its place, does not
 * silently widen what the host may run. Read only when guestd's own config and command line set no
 * policy. Two sources, as qemu-ga takes them:
 * <ul>
 * <li>{@code /etc/sysconfig/qemu-ga} (RHEL family), whose variables the qemu-guest-agent unit puts
 *     on qemu-ga's command line: {@code FILTER_RPC_ARGS="--allow-rpcs=a,b"} (el9+; also
 *     {@code --block-rpcs}/{@code -b}/{@code -a}/{@code --blacklist}), {@code BLACKLIST_RPC=a,b}
 *     (el8, given as {@code --blacklist}) and {@code BLOCK_RPCS=a,b};
 * <li>qemu-ga's config file {@code /etc/qemu/qemu-ga.conf}: {@code [general]} {@code allow-rpcs},
 *     {@code block-rpcs} (and 7.2's {@code blacklist}); its other keys are qemu-ga's own business.
 * </ul>
 * Lists of the same kind accumulate across the sources (qemu-ga: "the lists accumulate"); a block
 * list and an allow list together are refused with qemu-ga's message, as qemu-ga would refuse to
 * start. Commented lines ({@code #}) are ignored.
 */
final class DistroRpcPolicy {
    static final String SYSCONFIG = "sysconfig/qemu-ga";
    static final String QEMU_GA_CONF = "qemu/qemu-ga.conf";

    /**
     * A policy and where it came from.
     *
     * @param blocked commands to disable (empty when {@code allowed} is used)
     * @param allowed commands to allow, all others disabled (empty when {@code blocked} is used)
     * @param origins one line per source, e.g. {@code "/etc/sysconfig/qemu-ga FILTER_RPC_ARGS (allow-rpcs)"}
     */
    record Policy(List<String> blocked, List<String> allowed, List<String> origins) {}

    private DistroRpcPolicy() {}

    /** The policy under {@code etc}, or empty when neither file sets one. */
    static Optional<Policy> read(Path etc) throws ConfigException {
        List<String> blocked = new ArrayList<>();
        List<String> allowed = new ArrayList<>();
        List<String> origins = new ArrayList<>();
        Path sysconfig = etc.resolve(SYSCONFIG);
        if (Files.isRegularFile(sysconfig)) {
            Map<String, String> vars = shellVariables(text(sysconfig));
            String filter = vars.getOrDefault("FILTER_RPC_ARGS", "");
            if (!filter.isBlank()) {
                int before = blocked.size() + allowed.size();
                parseArgs(filter, blocked, allowed);
                if (blocked.size() + allowed.size() > before) {
                    origins.add(sysconfig + " FILTER_RPC_ARGS");
                }
            }
            for (String var : List.of("BLACKLIST_RPC", "BLOCK_RPCS")) {
                List<String> l = split(vars.getOrDefault(var, ""), ",");
                if (!l.isEmpty()) {
                    blocked.addAll(l);
                    origins.add(sysconfig + " " + var);
                }
            }
        }
        Path conf = etc.resolve(QEMU_GA_CONF);
        if (Files.isRegularFile(conf)) {
            ConfigSection g = AgentConfig.parse(text(conf), conf.toString()).general();
            List<String> b = new ArrayList<>(g.getList("block-rpcs"));
            b.addAll(g.getList("blacklist"));
            List<String> a = g.getList("allow-rpcs");
            if (!b.isEmpty() || !a.isEmpty()) {
                blocked.addAll(b);
                allowed.addAll(a);
                origins.add(conf + " [general]");
            }
        }
        if (!blocked.isEmpty() && !allowed.isEmpty()) {
            throw new ConfigException(QgaService.BOTH_LISTS_MESSAGE + " (in " + String.join(", ", origins) + ")");
        }
        if (blocked.isEmpty() && allowed.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Policy(dedupe(blocked), dedupe(allowed), List.copyOf(origins)));
    }

    private static String text(Path p) throws ConfigException {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + p + ": " + e.getMessage());
        }
    }

    /** {@code NAME=value} lines of a sysconfig file; quotes removed, comments and other lines ignored. */
    static Map<String, String> shellVariables(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("export ")) {
                line = line.substring(7).strip();
            }
            int eq = line.indexOf('=');
            if (line.startsWith("#") || eq <= 0 || !line.substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*")) {
                continue;
            }
            String v = line.substring(eq + 1).strip();
            if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
                v = v.substring(1, v.length() - 1);
            }
            out.put(line.substring(0, eq), v);
        }
        return out;
    }

    /** qemu-ga's policy options in an argument string: {@code --allow-rpcs=L}, {@code -a L}, {@code -b L}… */
    static void parseArgs(String args, List<String> blocked, List<String> allowed) {
        List<String> words = split(args, "\\s+");
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            String value = null;
            List<String> target = null;
            for (String[] opt : new String[][] {{"--allow-rpcs", "-a", "a"}, {"--block-rpcs", "-b", "b"},
                    {"--blacklist", "-b", "b"}}) {
                if (w.startsWith(opt[0] + "=")) {
                    value = w.substring(opt[0].length() + 1);
                } else if ((w.equals(opt[0]) || w.equals(opt[1])) && i + 1 < words.size()) {
                    value = words.get(++i);
                } else if (w.startsWith(opt[1]) && w.length() > 2 && !w.startsWith("--")) {
                    value = w.substring(2);
                } else {
                    continue;
                }
                target = opt[2].equals("a") ? allowed : blocked;
                break;
            }
            if (target != null) {
                target.addAll(split(value, ","));
            }
        }
    }

    private static List<String> split(String s, String regex) {
        List<String> out = new ArrayList<>();
        for (String part : s.strip().split(regex)) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        return out;
    }

    private static List<String> dedupe(List<String> l) {
        return List.copyOf(new LinkedHashSet<>(l));
    }
}
