// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One golden transcript of {@code src/test/resources/transcripts} (format in its README): steps of
 * raw request and reply bytes. Abridged requests or replies are kept as text only
 * ({@link Step#requestAbridged()}, {@link Step#replyAbridged()}).
 */
public final class Transcript {
    private static final String TRUNCATED = "...<truncated in this file>";
    private static final Pattern HEADER = Pattern.compile("^## step (\\d+) (request|reply) \\(raw bytes, Python repr; (\\d+) bytes\\)$");

    /**
     * One exchange. Raw bytes are null when the transcript shows them abridged; when the file cut a
     * long reply short ({@code ...<truncated in this file>}), {@code reply} holds the bytes shown and
     * {@code replyTruncated} is set; {@code replyLength} and {@code requestLength} are the lengths the headers state.
     */
    public record Step(int number, byte[] request, String requestText, byte[] reply, String replyText,
            boolean replyTruncated, int replyLength, int requestLength) {
        public boolean requestAbridged() {
            return request == null;
        }

        public boolean replyAbridged() {
            return reply == null;
        }
    }

    private final String name;
    private final List<Step> steps;

    private Transcript(String name, List<Step> steps) {
        this.name = name;
        this.steps = steps;
    }

    public String name() {
        return name;
    }

    public List<Step> steps() {
        return steps;
    }

    /** Loads {@code transcripts/<file>} from the test class path. */
    public static Transcript load(String file) {
        try (InputStream in = Transcript.class.getResourceAsStream("/transcripts/" + file)) {
            if (in == null) {
                throw new IllegalArgumentException("no transcript " + file);
            }
            return parse(file, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Transcript parse(String name, String text) {
        String[] lines = text.split("\n", -1);
        List<Step> steps = new ArrayList<>();
        byte[] req = null;
        String reqText = null;
        int reqNo = -1;
        int reqLen = -1;
        for (int i = 0; i < lines.length; i++) {
            Matcher m = HEADER.matcher(lines[i]);
            if (!m.matches()) {
                continue;
            }
            int no = Integer.parseInt(m.group(1));
            String literal = lines[i + 1];
            boolean truncated = literal.endsWith(TRUNCATED + "'");
            byte[] raw = abridged(literal) ? null
                    : PyBytes.parse(truncated ? literal.replace(TRUNCATED, "") : literal);
            if (m.group(2).equals("request")) {
                reqNo = no;
                req = raw;
                reqText = literal;
                reqLen = Integer.parseInt(m.group(3));
            } else {
                if (no != reqNo) {
                    throw new IllegalStateException(name + ": reply without request in step " + no);
                }
                steps.add(new Step(no, req, reqText, raw, literal, truncated, Integer.parseInt(m.group(3)), reqLen));
            }
        }
        return new Transcript(name, steps);
    }

    private static boolean abridged(String literal) {
        return literal.contains("more bytes>...") || literal.startsWith("b'(abridged");
    }

    /** All transcript file names listed in the README index, in order. */
    public static List<String> index() {
        try (InputStream in = Transcript.class.getResourceAsStream("/transcripts/README.md")) {
            String readme = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<String> out = new ArrayList<>();
            Matcher m = Pattern.compile("(?m)^\\| (\\S+\\.txt) \\|").matcher(readme);
            while (m.find()) {
                out.add(m.group(1));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
