// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.qga;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A golden request/reply transcript captured from a real qemu-ga (the format of
 * {@code shared/reference/qga-transcripts}): each step has a
 * {@code ## step N request (raw bytes, …)} and a {@code ## step N reply (raw bytes, …)} header,
 * each followed by one Python {@code bytes} literal with the exact bytes. Used by conformance,
 * black-box and codec tests to replay a real host's bytes and compare with a real agent's.
 */
public record Transcript(String name, List<Step> steps) {

    /** One exchange; {@code reply} is empty when qemu-ga sent nothing. */
    public record Step(int number, byte[] request, byte[] reply) {
        public String replyText() {
            return new String(reply, StandardCharsets.UTF_8);
        }
    }

    public static Transcript load(Path file) throws IOException {
        String name = file.getFileName().toString().replaceFirst("\\.txt$", "");
        return parse(name, Files.readString(file, StandardCharsets.UTF_8));
    }

    public static Transcript parse(String name, String text) {
        List<String> lines = text.lines().toList();
        List<Step> steps = new ArrayList<>();
        for (int n = 1; ; n++) {
            byte[] req = bytesAfter(lines, "## step " + n + " request (raw bytes");
            byte[] rep = bytesAfter(lines, "## step " + n + " reply (raw bytes");
            if (req == null || rep == null) {
                break;
            }
            steps.add(new Step(n, req, rep));
        }
        return new Transcript(name, List.copyOf(steps));
    }

    /** The step numbered {@code n} (1-based). */
    public Step step(int n) {
        return steps.get(n - 1);
    }

    private static byte[] bytesAfter(List<String> lines, String header) {
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).startsWith(header)) {
                return decodePythonBytes(lines.get(i + 1));
            }
        }
        return null;
    }

    /** Decodes a Python bytes literal such as {@code b'\xff{"return": 1}\n'}. */
    public static byte[] decodePythonBytes(String literal) {
        String s = literal.strip();
        if (!s.startsWith("b") || s.length() < 3 || s.charAt(1) != s.charAt(s.length() - 1)) {
            throw new IllegalArgumentException("not a bytes literal: " + s);
        }
        s = s.substring(2, s.length() - 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
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
                default: throw new IllegalArgumentException("unsupported escape \\" + e);
            }
        }
        return out.toByteArray();
    }
}
