// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e;

/** Sleeping without checked exceptions (the interrupt flag is kept). */
final class Sleep {
    private Sleep() {
    }

    static void millis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
