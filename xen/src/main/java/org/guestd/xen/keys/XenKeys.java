// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.keys;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.guestd.core.facts.OsFact;
import org.guestd.core.facts.VolumeFact;

/**
 * How facts become keys (relative to {@code /local/domain/<domid>}), as xe-guest-utilities names and
 * formats them, so XAPI, XenCenter and Xen Orchestra read guestd as they read it. Pure functions; the
 * state that outlives one fact (address slots, the memory rate limit) is in {@link GuestKeys}.
 */
public final class XenKeys {
    /** {@code data/updated}: written after every batch that changed a key. */
    public static final String UPDATED = "data/updated";
    /** Where a vif's addresses go: {@code attr/vif/<id>/ipv4/<n>}, {@code ipv6/<n>}. */
    public static final String VIF = "attr/vif";
    /** Where the volumes go: {@code data/volumes/<i>/...}. */
    public static final String VOLUMES = "data/volumes";

    private static final Pattern VIF_NODE = Pattern.compile("device/vif/(\\d+)");
    private static final Pattern VBD_NODE = Pattern.compile("device/vbd/\\d+");
    private static final Pattern VERSION = Pattern.compile("(\\d+)(?:\\.(\\d+))?.*");

    private XenKeys() {}

    /**
     * {@code data/os_*}: the distribution is os-release's ID, the name its PRETTY_NAME (else NAME and
     * VERSION), major and minor the leading numbers of VERSION_ID (left out when it has none, as
     * xen-guest-agent does), uname the kernel release. xe-guest-utilities reads os-release the same
     * way (its {@code xe-linux-distribution}); it writes "unknown" where guestd writes nothing.
     */
    public static Map<String, String> os(OsFact os) {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("data/os_distro", nonEmpty(os.id()) ? os.id() : "linux");
        String name = nonEmpty(os.prettyName()) ? os.prettyName()
                : nonEmpty(os.name()) ? (os.name() + (nonEmpty(os.version()) ? " " + os.version() : "")) : "Linux";
        k.put("data/os_name", name);
        if (nonEmpty(os.versionId())) {
            Matcher m = VERSION.matcher(os.versionId().strip());
            if (m.matches()) {
                k.put("data/os_majorver", strip0(m.group(1)));
                if (m.group(2) != null) {
                    k.put("data/os_minorver", strip0(m.group(2)));
                }
            }
        }
        if (nonEmpty(os.kernelRelease())) {
            k.put("data/os_uname", os.kernelRelease());
        }
        return k;
    }

    /** {@code data/meminfo_total} and {@code data/meminfo_free} in kB (free = MemAvailable, as xe-guest-utilities). */
    public static Map<String, String> memory(long totalBytes, long availableBytes) {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("data/meminfo_total", Long.toString(Math.max(0, totalBytes) / 1024));
        k.put("data/meminfo_free", Long.toString(Math.max(0, availableBytes) / 1024));
        return k;
    }

    /** The vif id of a bus node {@code device/vif/<id>}, or null for any other node (or none). */
    public static String vifId(String busNode) {
        if (busNode == null) {
            return null;
        }
        Matcher m = VIF_NODE.matcher(busNode);
        return m.matches() ? m.group(1) : null;
    }

    /** Whether {@code busNode} is a Xen vbd ({@code device/vbd/<id>}), whose backend names the disk's extent. */
    public static boolean isVbd(String busNode) {
        return busNode != null && VBD_NODE.matcher(busNode).matches();
    }

    /**
     * {@code data/volumes/<i>/{name,size,extents/0,mount_points/0,filesystem,free}} (and the node
     * {@code data/volumes/<i>} itself, empty, so removing a volume is one XS_RM of its subtree): the
     * volumes in device then mount point order; name the device node; size and free in bytes (the
     * filesystem's size, and what unprivileged users may still use, as df's Available); extents/0
     * the backend's name of the disk ({@code extentOf} of the bus node: the vbd backend's {@code dev},
     * "" when unknown, as xe-guest-utilities writes without a vbd).
     */
    public static Map<String, String> volumes(List<VolumeFact> volumes, Function<String, String> extentOf) {
        List<VolumeFact> sorted = new ArrayList<>(volumes);
        sorted.sort(Comparator.comparing(VolumeFact::device).thenComparing(VolumeFact::mountpoint));
        Map<String, String> k = new LinkedHashMap<>();
        for (int i = 0; i < sorted.size(); i++) {
            VolumeFact v = sorted.get(i);
            String p = VOLUMES + "/" + i;
            String extent = v.busNode() == null ? null : extentOf.apply(v.busNode());
            k.put(p, "");
            k.put(p + "/name", v.device());
            k.put(p + "/size", Long.toString(Math.max(0, v.sizeBytes())));
            k.put(p + "/extents/0", extent == null ? "" : extent);
            k.put(p + "/mount_points/0", v.mountpoint());
            k.put(p + "/filesystem", v.filesystem());
            k.put(p + "/free", Long.toString(Math.max(0, v.freeBytes())));
        }
        return k;
    }

    private static boolean nonEmpty(String s) {
        return s != null && !s.isBlank();
    }

    private static String strip0(String digits) {
        return Long.toString(Long.parseLong(digits.length() > 18 ? digits.substring(0, 18) : digits));
    }
}
