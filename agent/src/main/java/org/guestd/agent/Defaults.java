// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

/** guestd's defaults, with qemu-ga's where guestd is a drop-in for it. */
final class Defaults {
    private Defaults() {}

    static final String CONFIG_FILE = "/etc/guestd/guestd.conf";
    static final String METHOD = "virtio-serial";
    static final String VIRTIO_PATH = "/dev/virtio-ports/org.qemu.guest_agent.0";
    static final String ISA_PATH = "/dev/ttyS0";
    static final String STATEDIR = "/run/guestd";
    static final String FSFREEZE_HOOK = "/etc/qemu/fsfreeze-hook";
    /** Name of the QGA socket in the state dir when no hypervisor channel exists. */
    static final String FALLBACK_SOCKET = "qga.sock";
}
