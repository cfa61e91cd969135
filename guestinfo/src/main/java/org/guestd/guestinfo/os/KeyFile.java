// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.os;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The part of GLib's {@code GKeyFile} loader that qemu-ga relies on to read os-release (it
 * prepends {@code "[os-release]\n"} and calls {@code g_key_file_load_from_data}). Values stay raw,
 * as {@code g_key_file_get_value} returns them. Any line GLib rejects makes the whole file fail,
 * which is why this parser throws instead of skipping.
 *
 * <p>Rules kept from GLib: lines split at {@code \n} with one trailing {@code \r} dropped; leading
 * ASCII whitespace ignored; {@code #} and empty lines are comments; {@code [group]} (only blanks
 * or tabs after {@code ]}); {@code key=value} with trailing blanks of the key and leading blanks
 * of the value removed; key names checked like {@code g_key_file_is_key_name} (locale suffix
 * {@code [xx]} allowed); a later duplicate key replaces the earlier one; {@code Encoding} in the
 * first group must be a prefix-insensitive match of "UTF-8".
 */
public final class KeyFile {
    /** GLib refused the data; the message is GLib's. */
    public static final class ParseException extends Exception {
        private static final long serialVersionUID = 1L;

        ParseException(String message) {
            super(message);
        }
    }

    private KeyFile() {}

    /**
     * Parses key-file text.
     *
     * @return group name → (key → raw value), groups in file order
     */
    public static Map<String, Map<String, String>> parse(String text) throws ParseException {
        Map<String, Map<String, String>> groups = new LinkedHashMap<>();
        String startGroup = null;
        Map<String, String> current = null;
        String currentName = null;
        int pos = 0;
        int n = text.length();
        while (pos <= n) {
            int nl = text.indexOf('\n', pos);
            boolean last = nl < 0;
            String line = text.substring(pos, last ? n : nl);
            pos = last ? n + 1 : nl + 1;
            if (last && line.isEmpty()) {
                break;
            }
            if (!last && line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            int s = 0;
            while (s < line.length() && isSpace(line.charAt(s))) {
                s++;
            }
            String l = line.substring(s);
            if (l.isEmpty() || l.charAt(0) == '#') {
                continue;
            }
            if (isGroupLine(l)) {
                String name = l.substring(1, l.lastIndexOf(']'));
                if (!isGroupName(name)) {
                    throw new ParseException("Invalid group name: " + name);
                }
                current = groups.computeIfAbsent(name, k -> new LinkedHashMap<>());
                currentName = name;
                if (startGroup == null) {
                    startGroup = name;
                }
                continue;
            }
            int eq = l.indexOf('=');
            if (eq <= 0) {
                throw new ParseException("Key file contains line \u201c" + line
                        + "\u201d which is not a key-value pair, group, or comment");
            }
            if (current == null) {
                throw new ParseException("Key file does not start with a group");
            }
            int keyEnd = eq - 1;
            while (keyEnd >= 0 && isSpace(l.charAt(keyEnd))) {
                keyEnd--;
            }
            String key = l.substring(0, keyEnd + 1);
            if (!isKeyName(key)) {
                throw new ParseException("Invalid key name: " + key);
            }
            int vs = eq + 1;
            while (vs < l.length() && isSpace(l.charAt(vs))) {
                vs++;
            }
            String value = l.substring(vs);
            if (startGroup.equals(currentName) && key.equals("Encoding") && !encodingOk(value)) {
                throw new ParseException("Key file contains unsupported encoding \u201c" + value + "\u201d");
            }
            current.put(key, value);
        }
        return groups;
    }

    /** {@code g_ascii_strncasecmp(value, "UTF-8", strlen(value)) == 0}. */
    private static boolean encodingOk(String value) {
        String utf8 = "UTF-8";
        for (int i = 0; i < value.length(); i++) {
            if (i >= utf8.length()) {
                return false;
            }
            if (Character.toLowerCase(value.charAt(i)) != Character.toLowerCase(utf8.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
    }

    /** {@code g_key_file_line_is_group}: "[", a "]" later, then only blanks and tabs. */
    private static boolean isGroupLine(String l) {
        if (l.charAt(0) != '[') {
            return false;
        }
        int close = l.indexOf(']', 1);
        if (close < 0) {
            return false;
        }
        for (int i = close + 1; i < l.length(); i++) {
            char c = l.charAt(i);
            if (c != ' ' && c != '\t') {
                return false;
            }
        }
        return true;
    }

    /** {@code g_key_file_is_group_name}: non-empty, no brackets, no ASCII control characters. */
    private static boolean isGroupName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '[' || c == ']' || c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** {@code g_key_file_is_key_name}. */
    static boolean isKeyName(String key) {
        int end = key.length();
        int q = 0;
        while (q < end && key.charAt(q) != '=' && key.charAt(q) != '[' && key.charAt(q) != ']') {
            q++;
        }
        if (q == 0) {
            return false;
        }
        if (key.charAt(0) == ' ' || key.charAt(q - 1) == ' ') {
            return false;
        }
        if (q < end && key.charAt(q) == '[') {
            q++;
            while (q < end && key.charAt(q) != ']') {
                int cp = key.codePointAt(q);
                if (!(Character.isLetterOrDigit(cp) || cp == '-' || cp == '_' || cp == '.' || cp == '@')) {
                    break;
                }
                q += Character.charCount(cp);
            }
            if (q >= end || key.charAt(q) != ']') {
                return false;
            }
            q++;
        }
        return q >= end;
    }
}
