// SPDX-License-Identifier: Apache-2.0
package org.guestd.freeze;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.guestd.core.AgentException;
import org.guestd.core.env.HostPaths;

/**
 * Reads {@code <proc>/self/mountinfo} of the injected {@link HostPaths} (so a test engine sees only
 * the mounts its fixture lists), in file order, which is mount order. Malformed lines are skipped
 * as qemu-ga's sscanf loop skips them.
 */
public final class MountTable {
    private MountTable() {}

    /**
     * @throws AgentException GenericError with qemu-ga's text when the file cannot be read
     */
    public static List<Mount> read(HostPaths paths) throws AgentException {
        Path file = paths.proc("self/mountinfo");
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw AgentException.generic("failed to open " + file + ": " + e.getMessage(), e);
        }
        return parse(lines);
    }

    /** Parses mountinfo lines; lines that do not have the documented shape are skipped. */
    public static List<Mount> parse(List<String> lines) {
        List<Mount> out = new ArrayList<>();
        for (String line : lines) {
            Mount m = parseLine(line);
            if (m != null) {
                out.add(m);
            }
        }
        return out;
    }

    /**
     * {@code 36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue}:
     * six fixed fields, optional fields up to a lone {@code -}, then type, source, super options.
     */
    static Mount parseLine(String line) {
        String[] f = line.trim().split(" ");
        if (f.length < 10) {
            return null;
        }
        int dash = -1;
        for (int i = 6; i < f.length; i++) {
            if (f[i].equals("-")) {
                dash = i;
                break;
            }
        }
        if (dash < 0 || dash + 2 >= f.length) {
            return null;
        }
        try {
            int colon = f[2].indexOf(':');
            int major = Integer.parseInt(f[2].substring(0, colon));
            int minor = Integer.parseInt(f[2].substring(colon + 1));
            String superOpts = dash + 3 < f.length ? f[dash + 3] : "";
            return new Mount(Integer.parseInt(f[0]), Integer.parseInt(f[1]), major, minor, unescape(f[3]),
                    unescape(f[4]), f[5], unescape(f[dash + 1]), unescape(f[dash + 2]), superOpts);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The kernel writes space, tab, newline and backslash as {@code \040}-style octal escapes. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[in.length];
        int n = 0;
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\\' && i + 3 < in.length && isOctal(in[i + 1]) && isOctal(in[i + 2])
                    && isOctal(in[i + 3])) {
                out[n++] = (byte) (((in[i + 1] - '0') << 6) | ((in[i + 2] - '0') << 3) | (in[i + 3] - '0'));
                i += 3;
            } else {
                out[n++] = in[i];
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    private static boolean isOctal(byte b) {
        return b >= '0' && b <= '7';
    }
}
