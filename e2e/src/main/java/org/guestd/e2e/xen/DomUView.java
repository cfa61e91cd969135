// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e.xen;

import java.util.List;

/**
 * The domU's own view of itself, as its control port printed it for dom0 ({@code XENE2E-DOMU-VIEW}
 * lines): {@code /proc/meminfo}'s MemTotal and MemAvailable, {@code df -k /mnt/data}, and the Xen bus
 * nodes of its vif and disk. What guestd wrote is compared with this, not with values fixed in the
 * harness. Fields not printed are -1 or null.
 */
record DomUView(long memTotalKb, long memAvailableKb, String dfDevice, long dfTotalKb, long dfAvailableKb,
        String dfMount, String vifNode, String vbdNode) {

    static DomUView parse(List<String> lines) {
        long total = -1;
        long avail = -1;
        String dev = null;
        long dfTotal = -1;
        long dfAvail = -1;
        String mount = null;
        String vif = null;
        String vbd = null;
        for (String l : lines) {
            String[] w = l.trim().split("\\s+");
            if (w.length >= 2 && w[0].equals("MemTotal:")) {
                total = Long.parseLong(w[1]);
            } else if (w.length >= 2 && w[0].equals("MemAvailable:")) {
                avail = Long.parseLong(w[1]);
            } else if (w.length == 2 && w[0].equals("eth0")) {
                vif = w[1];
            } else if (w.length == 2 && w[0].equals("xvda")) {
                vbd = w[1];
            } else if (w.length >= 6 && w[0].startsWith("/dev/") && w[1].matches("\\d+")) {
                dev = w[0];                        // Filesystem 1K-blocks Used Available Use% Mounted-on
                dfTotal = Long.parseLong(w[1]);
                dfAvail = Long.parseLong(w[3]);
                mount = w[5];
            }
        }
        return new DomUView(total, avail, dev, dfTotal, dfAvail, mount, vif, vbd);
    }

    /** The vif id of {@link #vifNode} ("device/vif/0" → "0"), or null. */
    String vifId() {
        return vifNode != null && vifNode.matches("device/vif/\\d+") ? vifNode.substring("device/vif/".length()) : null;
    }
}
