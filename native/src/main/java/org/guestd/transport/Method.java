// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How the agent reaches the host: qemu-ga's {@code --method} names plus {@code char-device}. */
public enum Method {
    /** A virtio-serial port, e.g. {@code /dev/virtio-ports/org.qemu.guest_agent.0}. */
    VIRTIO_SERIAL("virtio-serial"),
    /** An emulated 16550 UART, e.g. {@code /dev/ttyS1}; set to raw 38400 baud. */
    ISA_SERIAL("isa-serial"),
    /** A listening Unix domain socket (tests, host-side harnesses, containers). */
    UNIX_LISTEN("unix-listen"),
    /** A listening AF_VSOCK socket, address {@code <cid>:<port>}. */
    VSOCK_LISTEN("vsock-listen"),
    /** A message-framed char device such as {@code /dev/vmbus/hv_kvp}: one read is one message. */
    CHAR_DEVICE("char-device");

    private final String wireName;

    Method(String wireName) {
        this.wireName = wireName;
    }

    /** The configuration/command-line name, e.g. {@code "virtio-serial"}. */
    public String wireName() {
        return wireName;
    }

    /**
     * The method called {@code name} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the valid methods
     */
    public static Method parse(String name) {
        for (Method m : values()) {
            if (m.wireName.equalsIgnoreCase(name == null ? "" : name.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("invalid method '" + name + "', expected one of: "
                + Arrays.stream(values()).map(Method::wireName).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
