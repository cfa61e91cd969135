// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.fs;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.guestd.guestinfo.util.CScan;

/**
 * Pure parsers for the two mount tables qemu-ga 7.2 reads ({@code build_fs_mount_list}).
 *
 * <p>{@code /proc/self/mountinfo} is scanned with qemu's
 * {@code sscanf("%*u %*u %u:%u %*s %n%*s%n%c")} (something must follow the mount point), then
 * from the first {@code " - "} after the mount point with {@code " - %n%*s%n %n%*s%n%c"} (a
 * character must follow the source, so a last line without newline is dropped). Mount point and
 * source are decoded with {@code decode_mntname} ({@code \\} and octal {@code \ooo} with a first
 * digit 0–3); the type is kept as is.
 *
 * <p>{@code /proc/self/mounts} (only used when mountinfo cannot be opened) is read like glibc's
 * {@code getmntent}: blank and '#' lines skipped, fields split at blanks and tabs, and
 * {@code \040 \011 \012 \134 \\} decoded.
 */
public final class MountTable {
    /** One parsed mountinfo line. */
    public record Entry(long major, long minor, String mountpoint, String type, String source) {}

    /** One parsed mounts line. */
    public record MntEnt(String fsname, String dir, String type) {}

    private MountTable() {}

    public static List<Entry> parseMountinfo(byte[] content) {
        List<Entry> out = new ArrayList<>();
        String all = new String(content, StandardCharsets.ISO_8859_1);
        int pos = 0;
        while (pos < all.length()) {
            int nl = all.indexOf('\n', pos);
            String line = nl < 0 ? all.substring(pos) : all.substring(pos, nl + 1); // keeps '\n' like getline
            pos = nl < 0 ? all.length() : nl + 1;
            Entry e = parseMountinfoLine(line);
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }

    static Entry parseMountinfoLine(String line) {
        CScan c = new CScan(line, 0);
        if (c.dec() == null) {
            return null;
        }
        c.ws();
        if (c.dec() == null) {
            return null;
        }
        c.ws();
        Long major = c.dec();
        if (major == null || !c.lit(':')) {
            return null;
        }
        Long minor = c.dec();
        if (minor == null) {
            return null;
        }
        c.ws();
        if (!c.word()) {
            return null;
        }
        c.ws();
        int dirS = c.pos;
        if (!c.word()) {
            return null;
        }
        int dirE = c.pos;
        if (c.pos >= line.length()) {
            return null; // %c fails: ret < 3
        }
        int dash = line.indexOf(" - ", dirE);
        if (dash < 0) {
            return null;
        }
        CScan d = new CScan(line, dash);
        d.ws();
        if (!d.lit('-')) {
            return null;
        }
        d.ws();
        int typeS = d.pos;
        if (!d.word()) {
            return null;
        }
        int typeE = d.pos;
        d.ws();
        int devS = d.pos;
        if (!d.word()) {
            return null;
        }
        int devE = d.pos;
        if (d.pos >= line.length()) {
            return null;
        }
        return new Entry(major & 0xffffffffL, minor & 0xffffffffL,
                decodeMntname(line.substring(dirS, dirE)), utf8(line.substring(typeS, typeE)),
                decodeMntname(line.substring(devS, devE)));
    }

    /** qemu's {@code decode_mntname} on a latin-1 view of the bytes, result decoded as UTF-8. */
    static String decodeMntname(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char ch = s.charAt(i);
            if (ch != '\\') {
                out.write(ch);
            } else if (i + 1 < n && s.charAt(i + 1) == '\\') {
                out.write('\\');
                i++;
            } else if (i + 3 < n && s.charAt(i + 1) >= '0' && s.charAt(i + 1) <= '3'
                    && s.charAt(i + 2) >= '0' && s.charAt(i + 2) <= '7'
                    && s.charAt(i + 3) >= '0' && s.charAt(i + 3) <= '7') {
                out.write((s.charAt(i + 1) - '0') * 64 + (s.charAt(i + 2) - '0') * 8 + (s.charAt(i + 3) - '0'));
                i += 3;
            } else {
                out.write(ch);
            }
        }
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }

    private static String utf8(String latin1) {
        return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    public static List<MntEnt> parseMounts(byte[] content) {
        List<MntEnt> out = new ArrayList<>();
        String all = new String(content, StandardCharsets.ISO_8859_1);
        for (String raw : all.split("\n", -1)) {
            String line = raw;
            int i = 0;
            while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                i++;
            }
            if (i >= line.length() || line.charAt(i) == '#') {
                continue;
            }
            List<String> fields = new ArrayList<>();
            for (String f : line.substring(i).split("[ \t]+")) {
                if (!f.isEmpty()) {
                    fields.add(f);
                }
            }
            if (fields.size() < 3) {
                continue;
            }
            out.add(new MntEnt(decodeGetmntent(fields.get(0)), decodeGetmntent(fields.get(1)),
                    decodeGetmntent(fields.get(2))));
        }
        return out;
    }

    /** glibc's {@code decode_name}. */
    static String decodeGetmntent(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            if (s.startsWith("\\040", i)) {
                out.write(' ');
                i += 3;
            } else if (s.startsWith("\\011", i)) {
                out.write('\t');
                i += 3;
            } else if (s.startsWith("\\012", i)) {
                out.write('\n');
                i += 3;
            } else if (s.startsWith("\\134", i)) {
                out.write('\\');
                i += 3;
            } else if (s.startsWith("\\\\", i)) {
                out.write('\\');
                i += 1;
            } else {
                out.write(s.charAt(i));
            }
        }
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }
}
