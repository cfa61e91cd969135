// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import java.util.Arrays;

/**
 * A clear-text password on its way to being hashed. It is never logged or written: {@link
 * #toString()} is redacted, and only {@link Sha512Crypt} reads the characters. {@link #destroy()}
 * overwrites them once the hash exists.
 */
public final class Secret {
    private final char[] chars;
    private boolean destroyed;

    private Secret(char[] chars) {
        this.chars = chars;
    }

    /** Takes a copy of {@code chars}. */
    public static Secret of(char[] chars) {
        return new Secret(chars.clone());
    }

    /** Whether the secret is the empty string. */
    public synchronized boolean isEmpty() {
        return chars.length == 0;
    }

    /** A copy of the characters, for the hash function; the caller clears it. */
    synchronized char[] reveal() {
        if (destroyed) {
            throw new IllegalStateException("secret already destroyed");
        }
        return chars.clone();
    }

    /** Overwrites the characters. */
    public synchronized void destroy() {
        Arrays.fill(chars, '\0');
        destroyed = true;
    }

    @Override
    public String toString() {
        return "Secret[redacted]";
    }
}
