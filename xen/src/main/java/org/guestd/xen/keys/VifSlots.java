// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.keys;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Stable slots for the addresses of one family on one vif (the {@code <n>} of {@code ipv4/<n>}): an
 * address keeps its slot while it exists, a new one takes the lowest free slot, so adding or
 * removing one address writes or removes one key instead of renumbering the rest (xen-guest-agent
 * does the same). At most {@link #MAX} addresses per family are published.
 */
final class VifSlots {
    /** Addresses published per family and vif (xen-guest-agent's limit too). */
    static final int MAX = 10;

    private final String[] slots = new String[MAX];

    /** Assigns slots to {@code addresses} (in the kernel's order) and returns them by slot; null = free. */
    List<String> assign(List<String> addresses) {
        List<String> wanted = new ArrayList<>(new LinkedHashSet<>(addresses));
        for (int i = 0; i < MAX; i++) {
            if (slots[i] != null && !wanted.remove(slots[i])) {
                slots[i] = null;
            }
        }
        for (String a : wanted) {
            for (int i = 0; i < MAX; i++) {
                if (slots[i] == null) {
                    slots[i] = a;
                    break;
                }
            }
        }
        return Arrays.asList(slots.clone());
    }

    /** How many of {@code addresses} found no slot. */
    static int overflow(List<String> addresses) {
        return Math.max(0, new LinkedHashSet<>(addresses).size() - MAX);
    }
}
