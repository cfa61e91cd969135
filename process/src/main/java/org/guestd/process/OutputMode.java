// SPDX-License-Identifier: Apache-2.0
package org.guestd.process;

/** Which of a child's output streams are captured; a stream not captured goes to /dev/null. */
public enum OutputMode {
    /** Nothing captured. */
    NONE,
    /** Standard output captured, standard error to /dev/null. */
    STDOUT,
    /** Standard error captured, standard output to /dev/null. */
    STDERR,
    /** Both captured, each on its own. */
    SEPARATED,
    /** Both captured into one stream (standard error joins standard output). */
    MERGED;

    boolean capturesStdout() {
        return this == STDOUT || this == SEPARATED || this == MERGED;
    }

    boolean capturesStderr() {
        return this == STDERR || this == SEPARATED;
    }
}
