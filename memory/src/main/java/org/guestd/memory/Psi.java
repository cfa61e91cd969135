// SPDX-License-Identifier: Apache-2.0
package org.guestd.memory;

import org.guestd.core.facts.MemoryFact;

/**
 * {@code /proc/pressure/memory} (PSI, Linux 4.20+): two lines, {@code some} and {@code full}, each
 * {@code avg10=P avg60=P avg300=P total=US}.
 */
final class Psi {
    private Psi() {}

    /** The pressure in {@code text}, or null when it has no {@code some} line. */
    static MemoryFact.Pressure parse(String text) {
        double[] some = null;
        double[] full = null;
        for (String line : text.split("\n")) {
            String[] w = line.strip().split("\\s+");
            if (w.length < 2) {
                continue;
            }
            double[] v = values(w);
            if (w[0].equals("some")) {
                some = v;
            } else if (w[0].equals("full")) {
                full = v;
            }
        }
        if (some == null) {
            return null;
        }
        if (full == null) {
            full = new double[] {0, 0, 0};
        }
        return new MemoryFact.Pressure(some[0], some[1], (long) some[2], full[0], full[1], (long) full[2]);
    }

    /** avg10, avg60, total (0 for what is missing or malformed). */
    private static double[] values(String[] words) {
        double[] v = new double[3];
        for (String w : words) {
            int eq = w.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = w.substring(0, eq);
            int idx = key.equals("avg10") ? 0 : key.equals("avg60") ? 1 : key.equals("total") ? 2 : -1;
            if (idx < 0) {
                continue;
            }
            try {
                v[idx] = Double.parseDouble(w.substring(eq + 1));
            } catch (NumberFormatException ignored) {
                // keep 0
            }
        }
        return v;
    }
}
