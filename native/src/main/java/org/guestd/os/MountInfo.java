// SPDX-License-Identifier: Apache-2.0
package org.guestd.os;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.guestd.core.env.HostPaths;

/**
 * guestd's one reader of the kernel's mount tables: {@code <proc>/self/mountinfo} (proc(5)) of the
 * injected {@link HostPaths}, in file order (= mount order, which freeze's over-mount detection and
 * both features' orders rely on), and the {@code <proc>/self/mounts} fallback qemu-ga uses when
 * mountinfo cannot be opened.
 *
 * <p>mountinfo is scanned as qemu-ga 7.2's {@code build_fs_mount_list} scans it, so that
 * guest-get-fsinfo lists exactly what qemu-ga lists: {@code sscanf("%*u %*u %u:%u %*s %n%*s%n%c")}
 * (something must follow the mount point), then from the first {@code " - "} after the mount point
 * {@code " - %n%*s%n %n%*s%n%c"} (a character must follow the source, so a last line without its
 * newline that ends right after the source is dropped). Lines that do not scan are skipped. The
 * root, mount point and source are decoded with qemu's {@code decode_mntname} ({@code \\} and octal
 * {@code \ooo} with a first digit 0–3 — the kernel writes space, tab, newline and backslash as
 * {@code \040 \011 \012 \134}); the type and the option fields are kept as written. Fields qemu-ga
 * does not read (ids, root, options, optional fields, super options) are split at white space.
 *
 * <p>mounts is read like glibc's {@code getmntent}: blank and '#' lines skipped, fields split at
 * blanks and tabs, and {@code \040 \011 \012 \134 \\} decoded.
 */
public final class MountInfo {
    /**
     * One mountinfo line.
     *
     * @param id the mount id
     * @param parentId the parent's mount id
     * @param major device major number ({@code st_dev}); 0 for anonymous devices (tmpfs, proc, NFS,
     *     btrfs…)
     * @param minor device minor number
     * @param root the directory of the filesystem that forms this mount's root ({@code /} unless a
     *     bind mount of a subdirectory or a btrfs subvolume)
     * @param mountpoint where it is mounted
     * @param mountOptions per-mount options ({@code rw,relatime})
     * @param optionalFields {@code shared:1}, {@code master:2}, … (possibly none)
     * @param fsType filesystem type ({@code ext4}, {@code fuse.sshfs})
     * @param source the mount source ({@code /dev/sda1}, {@code server:/export}, {@code tmpfs})
     * @param superOptions per-superblock options ({@code ""} when the line has none)
     */
    public record Entry(long id, long parentId, long major, long minor, String root, String mountpoint,
            String mountOptions, List<String> optionalFields, String fsType, String source, String superOptions) {
        public Entry {
            optionalFields = List.copyOf(optionalFields);
        }
    }

    /** One {@code /proc/self/mounts} line: source, mount point, type. */
    public record MntEnt(String fsname, String dir, String type) {}

    private MountInfo() {}

    /**
     * Reads and parses {@code <proc>/self/mountinfo}.
     *
     * @throws IOException when the file cannot be read (as {@link Files#readAllBytes} reports it)
     */
    public static List<Entry> read(HostPaths paths) throws IOException {
        return parse(Files.readAllBytes(paths.proc("self/mountinfo")));
    }

    /** Parses mountinfo content; lines that do not scan are skipped. */
    public static List<Entry> parse(byte[] content) {
        List<Entry> out = new ArrayList<>();
        String all = new String(content, StandardCharsets.ISO_8859_1);
        int pos = 0;
        while (pos < all.length()) {
            int nl = all.indexOf('\n', pos);
            String line = nl < 0 ? all.substring(pos) : all.substring(pos, nl + 1); // keeps '\n' like getline
            pos = nl < 0 ? all.length() : nl + 1;
            Entry e = parseLine(line);
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }

    /** One line (a latin-1 view of its bytes, with its {@code \n} if it has one), or null. */
    static Entry parseLine(String line) {
        Scan c = new Scan(line, 0);
        Long id = c.dec();
        if (id == null) {
            return null;
        }
        c.ws();
        Long parent = c.dec();
        if (parent == null) {
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
        int rootS = c.pos;
        if (!c.word()) {
            return null;
        }
        int rootE = c.pos;
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
        Scan d = new Scan(line, dash);
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
        d.ws();
        int superS = d.pos;
        d.word();
        String superOptions = utf8(line.substring(superS, d.pos));
        List<String> fields = words(line.substring(dirE, dash));
        String mountOptions = fields.isEmpty() ? "" : fields.get(0);
        List<String> optional = fields.size() > 1 ? fields.subList(1, fields.size()) : List.of();
        return new Entry(id & 0xffffffffL, parent & 0xffffffffL, major & 0xffffffffL, minor & 0xffffffffL,
                decodeMntname(line.substring(rootS, rootE)), decodeMntname(line.substring(dirS, dirE)), mountOptions,
                optional, utf8(line.substring(typeS, typeE)), decodeMntname(line.substring(devS, devE)), superOptions);
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

    /** Parses {@code /proc/self/mounts} content like glibc's {@code getmntent}. */
    public static List<MntEnt> parseMounts(byte[] content) {
        List<MntEnt> out = new ArrayList<>();
        String all = new String(content, StandardCharsets.ISO_8859_1);
        for (String line : all.split("\n", -1)) {
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

    private static List<String> words(String latin1) {
        List<String> out = new ArrayList<>();
        Scan s = new Scan(latin1, 0);
        while (true) {
            s.ws();
            int start = s.pos;
            if (!s.word()) {
                return out;
            }
            out.add(utf8(latin1.substring(start, s.pos)));
        }
    }

    private static String utf8(String latin1) {
        return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /** The sscanf pieces the scan needs: {@code %u} (optional sign), {@code %s}, white space, a literal. */
    private static final class Scan {
        final String s;
        int pos;

        Scan(String s, int pos) {
            this.s = s;
            this.pos = pos;
        }

        static boolean isSpace(char c) {
            return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
        }

        void ws() {
            while (pos < s.length() && isSpace(s.charAt(pos))) {
                pos++;
            }
        }

        boolean lit(char c) {
            if (pos < s.length() && s.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        /** {@code %s}: true when at least one non-space character was taken (leading space skipped). */
        boolean word() {
            ws();
            int start = pos;
            while (pos < s.length() && !isSpace(s.charAt(pos))) {
                pos++;
            }
            return pos > start;
        }

        /** {@code %u}: a decimal number (leading space and a sign allowed), or null with nothing consumed. */
        Long dec() {
            int save = pos;
            ws();
            boolean neg = false;
            if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                neg = s.charAt(pos) == '-';
                pos++;
            }
            int start = pos;
            long v = 0;
            while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                v = v * 10 + (s.charAt(pos) - '0');
                pos++;
            }
            if (pos == start) {
                pos = save;
                return null;
            }
            return neg ? -v : v;
        }
    }
}
