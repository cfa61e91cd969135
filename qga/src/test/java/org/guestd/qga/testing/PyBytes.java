// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.testing;

import java.io.ByteArrayOutputStream;

/** Parses a Python {@code bytes} repr such as {@code b'{"a": 1}\n\xff'}. */
public final class PyBytes {
    private PyBytes() {}

    public static byte[] parse(String literal) {
        String s = literal.strip();
        if (s.length() < 3 || s.charAt(0) != 'b') {
            throw new IllegalArgumentException("not a bytes literal: " + s);
        }
        char quote = s.charAt(1);
        if ((quote != '\'' && quote != '"') || s.charAt(s.length() - 1) != quote) {
            throw new IllegalArgumentException("bad quotes: " + s);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int end = s.length() - 1;
        for (int i = 2; i < end; i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                if (c > 0x7E) {
                    throw new IllegalArgumentException("non-ASCII in bytes literal");
                }
                out.write(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n': out.write('\n'); break;
                case 'r': out.write('\r'); break;
                case 't': out.write('\t'); break;
                case '\\': out.write('\\'); break;
                case '\'': out.write('\''); break;
                case '"': out.write('"'); break;
                case 'x':
                    out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                    break;
                default:
                    throw new IllegalArgumentException("unknown escape \\" + e);
            }
        }
        return out.toByteArray();
    }
}
