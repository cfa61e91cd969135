// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.facts;

import java.util.List;
import java.util.Objects;

/**
 * A network interface of the guest (the instance name is the interface name).
 *
 * @param name interface name ("eth0")
 * @param hardwareAddress "aa:bb:cc:dd:ee:ff", or null
 * @param busNode the paravirtual device node the interface sits on, from
 *     {@code /sys/class/net/<if>/device/nodename} (Xen: {@code "device/vif/0"}), or null
 * @param ipv4 IPv4 addresses in the kernel's order, as dotted text without prefix
 * @param ipv6 IPv6 addresses in the kernel's order, as {@code inet_ntop} text without prefix or scope
 */
public record InterfaceFact(String name, String hardwareAddress, String busNode, List<String> ipv4,
        List<String> ipv6) {
    public InterfaceFact {
        Objects.requireNonNull(name, "name");
        ipv4 = List.copyOf(ipv4);
        ipv6 = List.copyOf(ipv6);
    }
}
