// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.os;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * os-release(5) as qemu-ga 7.2 reads it ({@code ga_parse_osrelease} +
 * {@code ga_osrelease_replace_special}): the file must be UTF-8 (up to its first NUL) and a valid
 * GLib key file once {@code "[os-release]\n"} is prepended, otherwise it counts as missing. Values
 * are then post-processed with qemu's own quoting rules, bugs included:
 * <ul>
 * <li>a value starting with {@code "} is copied up to the next unescaped {@code "}, with
 * {@code \$ \' \" \\ \`} unescaped and any other backslash kept; without a closing quote the copy
 * is not terminated, so the tail of the original text stays behind the copied part;</li>
 * <li>any other value (single-quoted ones too) is cut at the first space, then at the first
 * {@code ;}.</li>
 * </ul>
 */
public final class OsRelease {
    private static final Logger LOG = LoggerFactory.getLogger(OsRelease.class);

    /** The fields guest-get-osinfo reports; each null when absent. */
    public record Fields(String id, String name, String prettyName, String version, String versionId,
            String variant, String variantId) {
        public static final Fields NONE = new Fields(null, null, null, null, null, null, null);
    }

    private OsRelease() {}

    /**
     * Reads os-release like qemu-ga: only {@code override} when given (env {@code QGA_OS_RELEASE}),
     * else {@code etcFile}, falling back to {@code usrLibFile} when the first cannot be used.
     */
    public static Fields read(Optional<Path> override, Path etcFile, Path usrLibFile) {
        Map<String, String> keys;
        if (override.isPresent()) {
            keys = load(override.get());
        } else {
            keys = load(etcFile);
            if (keys == null) {
                keys = load(usrLibFile);
            }
        }
        return keys == null ? Fields.NONE : fields(keys);
    }

    /** One file, or null when it cannot be read or parsed (qemu logs and goes on). */
    static Map<String, String> load(Path file) {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (IOException | RuntimeException e) {
            LOG.debug("failed to read '{}': {}", file, e.toString());
            return null;
        }
        Map<String, String> keys = parse(data);
        if (keys == null) {
            LOG.debug("failed to parse os-release file '{}'", file); // read per request: debug
        }
        return keys;
    }

    /** The {@code [os-release]} group of the content, or null when GLib would refuse it. */
    public static Map<String, String> parse(byte[] content) {
        int nul = 0;
        while (nul < content.length && content[nul] != 0) {
            nul++;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Arrays.copyOf(content, nul))).toString();
        } catch (CharacterCodingException e) {
            return null; // "file is not utf-8 encoded"
        }
        try {
            Map<String, Map<String, String>> groups = KeyFile.parse("[os-release]\n" + text);
            return groups.getOrDefault("os-release", Map.of());
        } catch (KeyFile.ParseException e) {
            LOG.debug("os-release: {}", e.getMessage());
            return null;
        }
    }

    /** Picks qemu-ga's seven keys and applies its quoting rules. */
    public static Fields fields(Map<String, String> keys) {
        return new Fields(get(keys, "ID"), get(keys, "NAME"), get(keys, "PRETTY_NAME"),
                get(keys, "VERSION"), get(keys, "VERSION_ID"), get(keys, "VARIANT"),
                get(keys, "VARIANT_ID"));
    }

    private static String get(Map<String, String> keys, String key) {
        String v = keys.get(key);
        return v == null ? null : replaceSpecial(v);
    }

    /** {@code ga_osrelease_replace_special}, simulated on a NUL-terminated buffer. */
    public static String replaceSpecial(String value) {
        if (value.isEmpty() || value.charAt(0) != '"') {
            int sp = value.indexOf(' ');
            String v = sp >= 0 ? value.substring(0, sp) : value;
            int sc = v.indexOf(';');
            return sc >= 0 ? v.substring(0, sc) : v;
        }
        char[] b = Arrays.copyOf(value.toCharArray(), value.length() + 1);
        int p2 = 0;
        int p = 1;
        while (b[p] != 0) {
            if (b[p] == '\\') {
                p++;
                switch (b[p]) {
                    case '$': case '\'': case '"': case '\\': case '`':
                        break;
                    default:
                        p--; // keep the backslash literally
                        break;
                }
            } else if (b[p] == '"') {
                b[p2] = 0;
                break;
            }
            b[p2++] = b[p++];
        }
        int end = 0;
        while (b[end] != 0) {
            end++;
        }
        return new String(b, 0, end);
    }
}
