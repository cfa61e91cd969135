// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.guestd.host.qga.Transcript;

/**
 * Reads the exact request/reply bytes out of the golden qemu-ga transcripts copied under
 * {@code src/test/resources/transcripts/} (each step's bytes are a Python {@code bytes} repr).
 */
public final class Transcripts {
    private Transcripts() {}

    /** The reply bytes of {@code step} (1-based) in the transcript whose name starts with {@code prefix}. */
    public static byte[] reply(String prefix, int step) {
        return bytesAfter(prefix, "## step " + step + " reply (raw bytes");
    }

    /** The request bytes of {@code step} in the transcript whose name starts with {@code prefix}. */
    public static byte[] request(String prefix, int step) {
        return bytesAfter(prefix, "## step " + step + " request (raw bytes");
    }

    /** The reply of {@code step} as text (UTF-8). */
    public static String replyText(String prefix, int step) {
        return new String(reply(prefix, step), StandardCharsets.UTF_8);
    }

    private static byte[] bytesAfter(String prefix, String header) {
        List<String> lines = load(prefix).lines().toList();
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).startsWith(header)) {
                return decodePythonBytes(lines.get(i + 1));
            }
        }
        throw new IllegalArgumentException("no '" + header + "' in transcript " + prefix);
    }

    private static String load(String prefix) {
        String[] names = {"01-guest-sync-delimited-with-leading-0xFF", "05-id-field-echo", "06-guest-info",
            "07-guest-get-osinfo", "08-guest-get-host-name", "09-guest-get-timezone",
            "11-guest-network-get-interfaces", "12-guest-get-fsinfo", "16-guest-get-users", "17-guest-get-vcpus",
            "20a-malformed-bareword", "21b-unknown-command", "23a-pipelined-two-commands",
            "26a-guest-exec-echo-hi"};
        for (String n : names) {
            if (n.startsWith(prefix)) {
                try (InputStream in = Transcripts.class.getResourceAsStream("/transcripts/" + n + ".txt")) {
                    if (in == null) {
                        throw new IllegalStateException("missing resource " + n);
                    }
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        throw new IllegalArgumentException("unknown transcript " + prefix);
    }

    /** Decodes a Python bytes literal such as {@code b'\xff{"return": 1}\n'}. */
    public static byte[] decodePythonBytes(String literal) {
        return Transcript.decodePythonBytes(literal);
    }
}
