// SPDX-License-Identifier: Apache-2.0
package org.guestd.freeze;

import java.util.List;
import org.guestd.core.AgentException;

/**
 * Discards unused blocks of every mounted local filesystem (FITRIM), exported by the freeze
 * service next to {@link FsFreezer} because it walks the same mount table. Used by QGA's
 * {@code guest-fstrim}.
 */
public interface FsTrimmer {
    /**
     * One filesystem's outcome (qemu-ga's GuestFilesystemTrimResult): either {@code trimmed} and
     * {@code minimum} (bytes) or an {@code error} text.
     */
    record TrimResult(String path, Long trimmed, Long minimum, String error) {}

    /**
     * Trims every local filesystem, in qemu-ga's order (reverse mount order).
     *
     * @param minimum the minimum extent length in bytes, or null for the kernel's default (0)
     * @throws AgentException when the mount table cannot be read, or while filesystems are frozen
     */
    List<TrimResult> trim(Long minimum) throws AgentException;
}
