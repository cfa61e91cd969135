// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import java.util.Locale;
import java.util.Objects;

/**
 * One audited provisioning action: what, from which source, with what result.
 *
 * @param name the action ({@code host-name}, {@code user}, {@code ssh-keys}, …)
 * @param source where its input came from ({@code imds}, {@code ovf-env}, {@code config}, {@code -})
 * @param result what happened
 * @param detail a short human-readable detail (never a secret), possibly empty
 * @param atMillis when it finished, ms since the epoch
 */
public record Step(String name, String source, Result result, String detail, long atMillis) {
    /** The outcome of one action. */
    public enum Result {
        /** The change was made. */
        DONE,
        /** The system already was as asked. */
        UNCHANGED,
        /** Not applicable here (nothing asked, or the component is not installed). */
        SKIPPED,
        /** The action failed; provisioning stopped here. */
        FAILED;

        /** Lower-case name for files and logs. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Step {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(result, "result");
        detail = detail == null ? "" : detail;
    }
}
