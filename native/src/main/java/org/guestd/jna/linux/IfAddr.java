// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import java.net.InetAddress;

/**
 * One interface address from an RTM_GETADDR dump.
 *
 * @param ifindex the interface index
 * @param ifname the interface name: the IPv4 label when the kernel sends one (an alias such as
 *     {@code eth0:1}, as getifaddrs(3) reports it), else the name of {@code ifindex}
 * @param address the local address, without an IPv6 scope id
 * @param prefixLength the prefix length
 */
public record IfAddr(int ifindex, String ifname, InetAddress address, int prefixLength) {}
