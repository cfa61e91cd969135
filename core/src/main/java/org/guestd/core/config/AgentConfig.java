// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole configuration: {@code [general]} (keys equal the long CLI options, as in qemu-ga's
 * config) plus one section per service. Immutable; layers are merged with {@link #overlay}.
 *
 * <p>File syntax is GLib GKeyFile's subset that qemu-ga's config uses: {@code [group]} lines,
 * {@code key=value} lines, {@code #} comments, blank lines; values may use the escapes
 * {@code \s \n \t \r \\}. Keys before any group are an error, as in GKeyFile.
 */
public final class AgentConfig {
    public static final String GENERAL = "general";

    private final Map<String, Map<String, String>> sections;

    private AgentConfig(Map<String, Map<String, String>> sections) {
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        sections.forEach((k, v) -> copy.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
        this.sections = Collections.unmodifiableMap(copy);
    }

    public static AgentConfig empty() {
        return new AgentConfig(Map.of());
    }

    /** Builds a config from section → (key → value) maps. */
    public static AgentConfig of(Map<String, Map<String, String>> sections) {
        return new AgentConfig(sections);
    }

    public static AgentConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    public static AgentConfig parse(String text, String origin) throws ConfigException {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        Map<String, String> current = null;
        int lineNo = 0;
        for (String raw : text.split("\r?\n", -1)) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]") || line.length() < 3) {
                    throw new ConfigException(origin + ":" + lineNo + ": invalid group line '" + raw + "'");
                }
                current = sections.computeIfAbsent(line.substring(1, line.length() - 1).strip(),
                        k -> new LinkedHashMap<>());
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(origin + ":" + lineNo + ": expected key=value, got '" + raw + "'");
            }
            if (current == null) {
                throw new ConfigException(origin + ":" + lineNo + ": key outside of any [group]");
            }
            current.put(line.substring(0, eq).strip(), unescape(line.substring(eq + 1).strip()));
        }
        return new AgentConfig(sections);
    }

    private static String unescape(String v) {
        if (v.indexOf('\\') < 0) {
            return v;
        }
        StringBuilder sb = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c != '\\' || i + 1 == v.length()) {
                sb.append(c);
                continue;
            }
            char n = v.charAt(++i);
            switch (n) {
                case 's': sb.append(' '); break;
                case 'n': sb.append('\n'); break;
                case 't': sb.append('\t'); break;
                case 'r': sb.append('\r'); break;
                case '\\': sb.append('\\'); break;
                default: sb.append('\\').append(n); // GKeyFile keeps \; for lists; so do we
            }
        }
        return sb.toString();
    }

    /** Returns this config with every key of {@code top} replacing the same key here. */
    public AgentConfig overlay(AgentConfig top) {
        Map<String, Map<String, String>> merged = new LinkedHashMap<>();
        sections.forEach((k, v) -> merged.put(k, new LinkedHashMap<>(v)));
        top.sections.forEach((k, v) -> merged.computeIfAbsent(k, x -> new LinkedHashMap<>()).putAll(v));
        return new AgentConfig(merged);
    }

    public ConfigSection section(String name) {
        Map<String, String> s = sections.get(name);
        return s == null ? ConfigSection.empty(name) : new ConfigSection(name, s);
    }

    public ConfigSection general() {
        return section(GENERAL);
    }

    public List<String> sectionNames() {
        return new ArrayList<>(sections.keySet());
    }

    /** Renders in the file syntax, {@code [general]} first: what {@code --dump-conf} prints. */
    public String dump() {
        StringBuilder sb = new StringBuilder();
        List<String> names = new ArrayList<>(sections.keySet());
        if (names.remove(GENERAL)) {
            names.add(0, GENERAL);
        }
        for (String name : names) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append('[').append(name).append("]\n");
            sections.get(name).forEach((k, v) -> sb.append(k).append('=').append(escape(v)).append('\n'));
        }
        return sb.toString();
    }

    private static String escape(String v) {
        StringBuilder sb = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\n': sb.append("\\n"); break;
                case '\t': sb.append("\\t"); break;
                case '\r': sb.append("\\r"); break;
                case '\\': sb.append("\\\\"); break;
                case ' ':
                    sb.append(i == 0 ? "\\s" : " ");
                    break;
                default: sb.append(c);
            }
        }
        return sb.toString();
    }
}
