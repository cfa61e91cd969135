// SPDX-License-Identifier: Apache-2.0
package org.guestd.core;

/**
 * The one checked exception of guestd's features. Its message is sent to the host as is, so it
 * must be the exact text the real peer would send in the same situation (qemu-ga's {@code desc}
 * strings, e.g. {@code "failed to open file '/x' (mode: 'r')"}). It carries no protocol error
 * code: each protocol module maps a failure to its own wire (QGA's error classes live in qga).
 */
public class AgentException extends Exception {
    private static final long serialVersionUID = 1L;

    /** qemu-ga's QERR_UNSUPPORTED text. */
    public static final String UNSUPPORTED = "this feature or command is not currently supported";

    public AgentException(String message) {
        super(message);
    }

    public AgentException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A failure with the given message. */
    public static AgentException generic(String message) {
        return new AgentException(message);
    }

    /** A failure with the given message and cause. */
    public static AgentException generic(String message, Throwable cause) {
        return new AgentException(message, cause);
    }

    /** qemu-ga's "this feature or command is not currently supported". */
    public static AgentException unsupported() {
        return new AgentException(UNSUPPORTED);
    }
}
