// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.intrinsics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * OSName / OSMajorVersion / OSMinorVersion exactly as hv_kvp_daemon's {@code kvp_get_os_info}:
 * {@code /etc/os-release} NAME and VERSION_ID with every quote and newline dropped and backslash
 * escapes taken literally (not qemu-ga's shell-style unquoting); without os-release the first
 * three lines of {@code /etc/SuSE-release} or {@code /etc/redhat-release}; else NAME = sysname.
 */
public final class DaemonOsRelease {
    private DaemonOsRelease() {}

    /** The three values. */
    public record Values(String name, String major, String minor) {}

    /** Reads them under {@code etc} (the injected /etc root). */
    public static Values read(Path etc, String sysname) {
        Path osRelease = etc.resolve("os-release");
        if (Files.exists(osRelease)) {
            try {
                return parseOsRelease(Files.readAllBytes(osRelease), sysname);
            } catch (IOException e) {
                return new Values(sysname, "", "");
            }
        }
        for (String f : List.of("SuSE-release", "redhat-release")) {
            Path p = etc.resolve(f);
            if (Files.exists(p)) {
                try {
                    List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
                    return new Values(lines.size() > 0 ? lines.get(0) : sysname,
                            lines.size() > 1 ? lines.get(1) : "", lines.size() > 2 ? lines.get(2) : "");
                } catch (IOException e) {
                    return new Values(sysname, "", "");
                }
            }
        }
        return new Values(sysname, "", "");
    }

    static Values parseOsRelease(byte[] content, String sysname) {
        String name = sysname;
        String major = "";
        String text = new String(content, StandardCharsets.UTF_8);
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = line.substring(0, eq);
            StringBuilder v = new StringBuilder();
            String raw = line.substring(eq + 1);
            for (int i = 0; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c == '\\') {
                    if (++i < raw.length()) {
                        v.append(raw.charAt(i));
                    }
                } else if (c != '\'' && c != '"') {
                    v.append(c);
                }
            }
            if (key.equals("NAME")) {
                name = v.toString();
            } else if (key.equals("VERSION_ID")) {
                major = v.toString();
            }
        }
        return new Values(name, major, "");
    }
}
