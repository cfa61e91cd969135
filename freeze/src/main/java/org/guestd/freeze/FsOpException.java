// SPDX-License-Identifier: Apache-2.0
package org.guestd.freeze;

/**
 * A failed freeze, thaw or trim of one filesystem, in the engine's terms: what went wrong
 * ({@link Kind}) and the OS's text for it ({@code strerror}), which the engine puts into qemu-ga's
 * messages ({@code failed to freeze /x: <text>}). The errno behind it stays where {@link FsOps}
 * meets the OS.
 */
public final class FsOpException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** The mountpoint could not be opened. */
        CANNOT_OPEN,
        /** FIFREEZE on a filesystem already frozen (a second mount of one device, or someone else froze it). */
        ALREADY_FROZEN,
        /** The filesystem cannot do it (FIFREEZE or FITRIM not implemented). */
        NOT_SUPPORTED,
        /** FITHAW on a filesystem that is not frozen. */
        NOT_FROZEN,
        /** Anything else. */
        OTHER
    }

    private final Kind kind;
    private final String osText;

    /**
     * @param kind what went wrong
     * @param osText the OS's text, e.g. {@code "Input/output error"}
     * @param message the full message for logs
     * @param cause the OS-level failure, or null
     */
    public FsOpException(Kind kind, String osText, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.osText = osText;
    }

    public Kind kind() {
        return kind;
    }

    /** The OS's text ({@code strerror}), e.g. {@code "Device or resource busy"}. */
    public String osText() {
        return osText;
    }
}
