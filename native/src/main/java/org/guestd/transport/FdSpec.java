// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

/** Parses the {@code fd:N} form of a transport path: an inherited descriptor. */
final class FdSpec {
    static final String PREFIX = "fd:";

    private FdSpec() {}

    /** The descriptor of {@code fd:N}, or -1 when {@code path} is not of that form. */
    static int parse(String path) {
        if (!path.startsWith(PREFIX)) {
            return -1;
        }
        String n = path.substring(PREFIX.length());
        try {
            int fd = Integer.parseInt(n);
            if (fd >= 0) {
                return fd;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("invalid inherited descriptor '" + path + "', expected fd:<number>");
    }
}
