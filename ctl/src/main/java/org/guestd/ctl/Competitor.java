// SPDX-License-Identifier: Apache-2.0
package org.guestd.ctl;

import java.util.List;

/**
 * Another agent that opens a channel device guestd serves; the kernel (or QEMU) gives each device to
 * one opener, so two agents race and one of them loses at random.
 *
 * @param program its process name
 * @param device the device both want
 * @param units its systemd units (Debian's and RHEL's names)
 * @param udevRule a word in the name of the udev rule that starts it when the device appears
 * @param packages the packages that ship it
 */
record Competitor(String program, String device, List<String> units, String udevRule, String packages) {
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
                    "hyperv-daemons (Debian), hypervfcopyd (RHEL)"));

    /** Whether a process named {@code comm} is this program (the kernel cuts names at 15 characters). */
    boolean matches(String comm) {
        return comm.equals(program.length() > 15 ? program.substring(0, 15) : program);
    }

    /** The first unit's name, for the fix. */
    String unit() {
        return units.get(0);
    }
}
