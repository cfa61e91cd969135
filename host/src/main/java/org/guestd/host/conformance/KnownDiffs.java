// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.conformance;

import java.util.Map;

/**
 * Cases an older qemu-ga cannot pass because the feature came later (test-qga.c is from current
 * qemu): a failure there is reported KNOWN-DIFF, not FAIL. Only applies to qemu-ga; guestd must
 * pass everything.
 */
final class KnownDiffs {
    /** Case path → the first qemu version that has what the case tests, and what it is. */
    private static final Map<String, Object[]> SINCE = Map.of(
            "/qga/get-load", new Object[] {new int[] {10, 0}, "guest-get-load is new in qemu 10.0"},
            "/qga/allowedrpcs", new Object[] {new int[] {8, 1}, "-a/--allow-rpcs is new in qemu 8.1"},
            "/qga/guest-exec-separated", new Object[] {new int[] {8, 0},
                "capture-output modes (GuestExecCaptureOutputMode) are new in qemu 8.0"},
            "/qga/guest-exec-merged", new Object[] {new int[] {8, 0},
                "capture-output modes (GuestExecCaptureOutputMode) are new in qemu 8.0"});

    private KnownDiffs() {}

    /**
     * Why {@code path} may fail on this agent, or null.
     *
     * @param qemuVersion the qemu-ga version ({@code 7.2.22}), or null for another agent
     */
    static String reason(String path, String qemuVersion) {
        Object[] s = SINCE.get(path);
        if (s == null || qemuVersion == null) {
            return null;
        }
        int[] since = (int[]) s[0];
        int[] have = parse(qemuVersion);
        boolean older = have[0] < since[0] || (have[0] == since[0] && have[1] < since[1]);
        return older ? s[1] + ", qemu-ga here is " + qemuVersion : null;
    }

    static int[] parse(String version) {
        String[] p = version.split("[.\\-+~]");
        int[] out = new int[2];
        for (int i = 0; i < 2 && i < p.length; i++) {
            try {
                out[i] = Integer.parseInt(p[i]);
            } catch (NumberFormatException e) {
                out[i] = 0;
            }
        }
        return out;
    }
}
