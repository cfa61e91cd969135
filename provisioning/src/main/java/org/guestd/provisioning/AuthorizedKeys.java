// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * Checks that a platform-supplied public key is one usable authorized_keys line: {@code TYPE
 * BASE64 [COMMENT]} with a known key type, a base64 blob that decodes and names the same type
 * inside (as sshd reads it), no line breaks, no options (a key from a cloud's metadata never needs
 * {@code command=} or {@code from=}). An unusable key fails provisioning with the reason instead of
 * being installed where it would silently never work.
 */
public final class AuthorizedKeys {
    private static final Set<String> TYPES = Set.of("ssh-rsa", "ssh-dss", "ssh-ed25519", "ssh-ed448",
            "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
            "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com");
    /** A key line longer than this is refused (a 16384-bit RSA key is about 2.8 KB of base64). */
    static final int MAX_LINE = 16 * 1024;

    private AuthorizedKeys() {}

    /** A key that cannot be used, with the reason. */
    public static final class InvalidKeyException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidKeyException(String message) {
            super(message);
        }
    }

    /**
     * The key as a normalised line ({@code type blob[ comment]}, single spaces).
     *
     * @throws InvalidKeyException when it is not a usable public key
     */
    public static String normalise(String keyData) throws InvalidKeyException {
        String k = keyData.strip();
        if (k.isEmpty()) {
            throw new InvalidKeyException("the key is empty");
        }
        if (k.length() > MAX_LINE) {
            throw new InvalidKeyException("the key is longer than " + MAX_LINE + " characters");
        }
        for (int i = 0; i < k.length(); i++) {
            char c = k.charAt(i);
            if (c == '\n' || c == '\r' || c == '\0') {
                throw new InvalidKeyException("the key spans more than one line");
            }
            if (c != '\t' && (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029')) {
                // written into authorized_keys and shown in the audit log: no terminal or line controls
                throw new InvalidKeyException(String.format("the key holds a control character (U+%04X)", (int) c));
            }
        }
        String[] f = k.split("[ \t]+", 3);
        String type = f[0];
        if (!TYPES.contains(type) && !(type.endsWith("-cert-v01@openssh.com")
                && TYPES.contains(type.substring(0, type.length() - "-cert-v01@openssh.com".length())))) {
            throw new InvalidKeyException("unknown key type '" + printable(type) + "'");
        }
        if (f.length < 2) {
            throw new InvalidKeyException("no key data after the type " + type);
        }
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(f[1]);
        } catch (IllegalArgumentException e) {
            throw new InvalidKeyException("the " + type + " key data is not base64");
        }
        ByteBuffer bb = ByteBuffer.wrap(blob);
        if (bb.remaining() < 4) {
            throw new InvalidKeyException("the " + type + " key data is too short");
        }
        int n = bb.getInt();
        if (n <= 0 || n > bb.remaining()) {
            throw new InvalidKeyException("the " + type + " key data is malformed");
        }
        byte[] inner = new byte[n];
        bb.get(inner);
        String innerType = new String(inner, StandardCharsets.US_ASCII);
        if (!innerType.equals(type)) {
            throw new InvalidKeyException("the key data is a '" + printable(innerType) + "' key, not " + type);
        }
        if (!bb.hasRemaining()) {
            throw new InvalidKeyException("the " + type + " key data holds no key");
        }
        return f.length == 3 ? type + " " + f[1] + " " + f[2].strip() : type + " " + f[1];
    }

    private static String printable(String s) {
        String t = s.length() > 40 ? s.substring(0, 40) + "…" : s;
        return t.replaceAll("[^\\x20-\\x7e…]", "?");
    }
}
