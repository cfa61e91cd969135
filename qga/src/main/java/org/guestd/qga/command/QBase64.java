// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Base64;
import org.guestd.core.AgentException;

/**
 * Base64 as qemu-ga handles it: {@code qbase64_decode} (util/base64.c) refuses any character
 * outside {@code [A-Za-z0-9+/=\n]}, then GLib's {@code g_base64_decode} decodes leniently (line
 * breaks skipped, an incomplete last quantum dropped, {@code '='} counted as padding only where
 * it stands). Encoding is standard padded base64 without line breaks ({@code g_base64_encode}).
 */
public final class QBase64 {
    /** qemu's text for input outside the alphabet. */
    public static final String INVALID_CHARACTERS = "Base64 data contains invalid characters";

    private static final byte[] RANK = new byte[256];

    static {
        Arrays.fill(RANK, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            RANK[alphabet.charAt(i)] = (byte) i;
        }
        RANK['='] = 0;
    }

    private QBase64() {}

    /** Decodes like {@code qbase64_decode(input, -1, ...)}. */
    public static byte[] decode(String input) throws AgentException {
        for (int i = 0; i < input.length(); i++) {
            char c = input.charAt(i);
            if (c == '\0') { // the C string ends here
                input = input.substring(0, i);
                break;
            }
            if (c >= 128 || (RANK[c] < 0 && c != '\n')) {
                throw AgentException.generic(INVALID_CHARACTERS);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(input.length() * 3 / 4 + 3);
        int v = 0;
        int n = 0;
        char last0 = 0;
        char last1 = 0;
        for (int i = 0; i < input.length(); i++) {
            char c = input.charAt(i);
            if (RANK[c] < 0) {
                continue;
            }
            last1 = last0;
            last0 = c;
            v = (v << 6) | RANK[c];
            if (++n == 4) {
                out.write(v >> 16);
                if (last1 != '=') {
                    out.write(v >> 8);
                }
                if (last0 != '=') {
                    out.write(v);
                }
                n = 0;
                v = 0;
            }
        }
        return out.toByteArray();
    }

    /** {@code g_base64_encode}. */
    public static String encode(byte[] data, int length) {
        return Base64.getEncoder().encodeToString(length == data.length ? data : Arrays.copyOf(data, length));
    }
}
