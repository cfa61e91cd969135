// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv.uio;

import java.io.IOException;

/**
 * A file or directory name as the host sends it to the UIO file-copy service: a fixed array of
 * {@code units} UTF-16LE code units ({@code __u16 file_name[W_MAX_PATH]}), NUL-terminated. Decoded
 * strictly: no NUL within the array (over-long), an unpaired surrogate, or an empty name is an
 * error, never a guess (the upstream daemon cast the array to {@code wchar_t *} before 6.16 and
 * still turns everything beyond ASCII into {@code 'X'}).
 */
public final class Utf16Name {
    private Utf16Name() {}

    /**
     * @param b the message
     * @param off the field's offset
     * @param units the field's size in code units (260)
     * @throws IOException naming what is wrong with the field
     */
    public static String decode(byte[] b, int off, int units) throws IOException {
        if (off + 2L * units > b.length) {
            throw new IOException("the name field at " + off + " is cut short (" + b.length + "-byte message)");
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < units; i++) {
            char c = (char) IcMessage.u16(b, off + 2 * i);
            if (c == 0) {
                if (s.length() == 0) {
                    throw new IOException("empty name");
                }
                return s.toString();
            }
            if (Character.isHighSurrogate(c)) {
                char next = i + 1 < units ? (char) IcMessage.u16(b, off + 2 * i + 2) : 0;
                if (!Character.isLowSurrogate(next)) {
                    throw new IOException(String.format("unpaired surrogate U+%04X at unit %d", (int) c, i));
                }
                s.append(c).append(next);
                i++;
                continue;
            }
            if (Character.isLowSurrogate(c)) {
                throw new IOException(String.format("unpaired surrogate U+%04X at unit %d", (int) c, i));
            }
            s.append(c);
        }
        throw new IOException("name without a NUL within " + units + " units (over-long)");
    }
}
