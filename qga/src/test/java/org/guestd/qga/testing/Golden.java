// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.guestd.host.qga.Transcript;

/**
 * The golden transcripts of {@code src/test/resources/transcripts} (format in its README), read
 * with the host library's {@link Transcript}, plus what only these tests need: the index, the
 * lengths the step headers state, and the marks of steps the files show abridged or cut short.
 */
public final class Golden {
    /** How a file marks a reply it cut short; the bytes before it are exact. */
    private static final byte[] TRUNCATED = "...<truncated in this file>".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern HEADER =
            Pattern.compile("(?m)^## step (\\d+) (request|reply) \\(raw bytes, Python repr; (\\d+) bytes\\)$");

    private Golden() {}

    private static Path path(String file) {
        URL url = Golden.class.getResource("/transcripts/" + file);
        if (url == null) {
            throw new IllegalArgumentException("no transcript " + file);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(url.toString(), e);
        }
    }

    /**
     * Loads {@code transcripts/<file>} from the test class path. A file that parses to no step
     * fails here, so no replay loop can pass without replaying anything.
     */
    public static Transcript load(String file) {
        Transcript t;
        try {
            t = Transcript.load(path(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (t.steps().isEmpty()) {
            throw new IllegalStateException("transcript " + file + " parses to no step (format changed?)");
        }
        return t;
    }

    /**
     * The byte counts the headers of {@code file} state, keyed {@code "<step> request"} and
     * {@code "<step> reply"}, in file order.
     */
    public static Map<String, Integer> statedLengths(String file) {
        try {
            Matcher m = HEADER.matcher(Files.readString(path(file), StandardCharsets.UTF_8));
            Map<String, Integer> out = new LinkedHashMap<>();
            while (m.find()) {
                out.put(m.group(1) + " " + m.group(2), Integer.parseInt(m.group(3)));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when the file shows these bytes abridged (a placeholder text, not the bytes sent). */
    public static boolean abridged(byte[] shown) {
        String s = new String(shown, StandardCharsets.ISO_8859_1);
        return s.contains("more bytes>...") || s.startsWith("(abridged");
    }

    /** True when the file cut this reply short (the bytes before the mark are exact). */
    public static boolean truncated(byte[] shown) {
        int n = shown.length - TRUNCATED.length;
        return n >= 0 && Arrays.equals(shown, n, shown.length, TRUNCATED, 0, TRUNCATED.length);
    }

    /** The exact bytes a truncated reply shows, without the mark. */
    public static byte[] exactPrefix(byte[] shown) {
        return truncated(shown) ? Arrays.copyOf(shown, shown.length - TRUNCATED.length) : shown;
    }

    /** All transcript file names listed in the README index, in order. */
    public static List<String> index() {
        try (InputStream in = Golden.class.getResourceAsStream("/transcripts/README.md")) {
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
