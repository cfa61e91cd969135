// SPDX-License-Identifier: Apache-2.0
package org.guestd.ctl;

import java.util.List;

/**
 * Another agent for a channel device guestd serves. Most take the device for themselves: the kernel
 * (or QEMU) gives it to one opener, so two agents race and one of them loses at random. The Xen agents
 * share xenbus but write the same xenstore keys as guestd, so each overwrites the other's.
 *
 * @param program its process name
 * @param device the device both want
 * @param units its systemd units (Debian's and RHEL's names)
 * @param udevRule a word in the name of the udev rule that starts it when the device appears, or
 *     null when none does
 * @param packages the packages that ship it
 * @param clash what happens when both run
 */
record Competitor(String program, String device, List<String> units, String udevRule, String packages,
        String clash) {
    static final String ONE_OPENER = "which takes one opener, so one of them loses";
    static final String SAME_KEYS = "and both write the same xenstore keys (attr/, data/), so each overwrites"
            + " the other's";

    Competitor(String program, String device, List<String> units, String udevRule, String packages) {
        this(program, device, units, udevRule, packages, ONE_OPENER);
    }

    static final String VIRTIO_PORT_NAME = "org.qemu.guest_agent.0";
    static final String VIRTIO_PORT = "/dev/virtio-ports/" + VIRTIO_PORT_NAME;

    static final List<Competitor> ALL = List.of(
            new Competitor("qemu-ga", VIRTIO_PORT, List.of("qemu-guest-agent.service"), "qemu-guest-agent",
                    "qemu-guest-agent"),
            new Competitor("hv_kvp_daemon", "/dev/vmbus/hv_kvp", List.of("hv-kvp-daemon.service", "hypervkvpd.service"),
                    "hv_kvp", "hyperv-daemons (Debian), hypervkvpd (RHEL)"),
            new Competitor("hv_vss_daemon", "/dev/vmbus/hv_vss", List.of("hv-vss-daemon.service", "hypervvssd.service"),
                    "hv_vss", "hyperv-daemons (Debian), hypervvssd (RHEL)"),
            new Competitor("hv_fcopy_daemon", "/dev/vmbus/hv_fcopy",
                    List.of("hv-fcopy-daemon.service", "hypervfcopyd.service"), "hv_fcopy",
                    "hyperv-daemons (Debian), hypervfcopyd (RHEL)"),
            new Competitor("hv_fcopy_uio_daemon", "/dev/vmbus/hv_fcopy",
                    List.of("hv-fcopy-daemon.service", "hypervfcopyd.service"), "hv_fcopy",
                    "hyperv-daemons (Debian), hypervfcopyd (RHEL)"),
            new Competitor("xe-daemon", "/dev/xen/xenbus", List.of("xe-linux-distribution.service"), null,
                    "xe-guest-utilities", SAME_KEYS),
            new Competitor("xen-guest-agent", "/dev/xen/xenbus", List.of("xen-guest-agent.service"), null,
                    "xen-guest-agent", SAME_KEYS));

    /** Whether a process named {@code comm} is this program (the kernel cuts names at 15 characters). */
    boolean matches(String comm) {
        return comm.equals(program.length() > 15 ? program.substring(0, 15) : program);
    }

    /** What its unit does at boot when it is enabled. */
    String atBoot() {
        return clash.equals(ONE_OPENER) ? "at boot it races guestd for " + device
                : "at boot it starts beside guestd, and both write the same xenstore keys";
    }

    /** The first unit's name, for the fix. */
    String unit() {
        return units.get(0);
    }
}
