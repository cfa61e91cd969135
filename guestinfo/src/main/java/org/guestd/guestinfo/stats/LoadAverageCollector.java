// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.stats;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.guestd.core.AgentException;
import org.guestd.guestinfo.GuestInfo.LoadAverage;
import org.guestd.guestinfo.util.CScan;
import org.guestd.jna.linux.Errno;

/**
 * guest-get-load (qemu 10.0) is {@code getloadavg(3)}; glibc reads one {@code read()} of at most
 * 64 bytes of {@code /proc/loadavg}, drops its last byte (the newline), and parses three numbers
 * with {@code strtod} in the C locale. Any failure is qemu's
 * {@code "cannot query load average: <strerror>"}: the open's errno, or "Success" when the file
 * was empty or did not start with three numbers (glibc returns -1 without setting errno then).
 */
public final class LoadAverageCollector {
    static final String ERROR = "cannot query load average";

    private final Path file;

    /** @param file {@code <proc>/loadavg} */
    public LoadAverageCollector(Path file) {
        this.file = file;
    }

    public LoadAverage collect() throws AgentException {
        byte[] buf = new byte[64];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.read(buf); // one read(2), as glibc does
        } catch (IOException e) {
            throw AgentException.generic(Errno.message(ERROR, e), e);
        }
        LoadAverage l = n <= 0 ? null : parse(new String(buf, 0, n - 1, StandardCharsets.ISO_8859_1));
        if (l == null) {
            throw AgentException.generic(ERROR + ": Success");
        }
        return l;
    }

    /** Three leading numbers of {@code text} (the buffer after glibc cut its last byte), or null. */
    public static LoadAverage parse(String text) {
        CScan c = new CScan(text, 0);
        double[] v = new double[3];
        for (int i = 0; i < 3; i++) {
            Double d = strtod(c);
            if (d == null) {
                return null;
            }
            v[i] = d;
        }
        return new LoadAverage(v[0], v[1], v[2]);
    }

    /**
     * The decimal subset of {@code strtod}: white space, sign, digits with an optional point, an
     * optional exponent. (Hexadecimal, inf and nan never appear in /proc/loadavg.)
     */
    static Double strtod(CScan c) {
        String s = c.s;
        int p = c.pos;
        while (p < s.length() && CScan.isSpace(s.charAt(p))) {
            p++;
        }
        int start = p;
        if (p < s.length() && (s.charAt(p) == '+' || s.charAt(p) == '-')) {
            p++;
        }
        int digits = 0;
        while (p < s.length() && isDigit(s.charAt(p))) {
            p++;
            digits++;
        }
        if (p < s.length() && s.charAt(p) == '.') {
            p++;
            while (p < s.length() && isDigit(s.charAt(p))) {
                p++;
                digits++;
            }
        }
        if (digits == 0) {
            return null;
        }
        int mantissaEnd = p;
        if (p < s.length() && (s.charAt(p) == 'e' || s.charAt(p) == 'E')) {
            int q = p + 1;
            if (q < s.length() && (s.charAt(q) == '+' || s.charAt(q) == '-')) {
                q++;
            }
            int e = q;
            while (q < s.length() && isDigit(s.charAt(q))) {
                q++;
            }
            p = q > e ? q : mantissaEnd;
        }
        c.pos = p;
        return Double.parseDouble(s.substring(start, p));
    }

    private static boolean isDigit(char ch) {
        return ch >= '0' && ch <= '9';
    }
}
