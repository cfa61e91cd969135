// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp;

import java.util.List;
import java.util.Optional;

/**
 * What the guest tells the host by itself: the auto pool (pool 2) and the per-adapter IP
 * configuration of KVP_OP_GET_IP_INFO / SET_IP_INFO. Computed from guestinfo and native calls.
 */
public interface KvpIntrinsics {
    /**
     * The auto pool's items in hv_kvp_daemon's index order: FullyQualifiedDomainName,
     * IntegrationServicesVersion, NetworkAddressIPv4, NetworkAddressIPv6, OSBuildNumber, OSName,
     * OSMajorVersion, OSMinorVersion, OSVersion, ProcessorArchitecture.
     */
    List<KvpStore.Entry> autoPool();

    /** An adapter's IP configuration, looked up by MAC address (as the host sends it). */
    Optional<IpConfig> ipInfo(String macAddress) throws KvpException;

    /**
     * Whether a network adapter with this VMBus device id exists ({@code
     * /sys/class/net/<if>/device/device_id}, as hv_kvp_daemon's SET_IP_INFO checks before applying).
     */
    boolean hasAdapter(String deviceId);

    /** Applies an IP configuration (hv_set_ifconfig contract or a NetworkManager keyfile). */
    void setIpInfo(IpConfig config) throws KvpException;

    /**
     * One adapter's configuration in the form of {@code struct hv_kvp_ipaddr_value}'s strings:
     * lists are semicolon-separated in the wire form; here they are lists.
     *
     * @param adapterId the MAC address (GET: the key; SET: the adapter to configure)
     * @param addressFamily 1 = IPv4, 2 = IPv6, 3 = both (ADDR_FAMILY_*)
     * @param dhcpEnabled whether the address is DHCP-assigned
     */
    record IpConfig(String adapterId, int addressFamily, boolean dhcpEnabled, List<String> ipAddresses,
            List<String> subnets, List<String> gateways, List<String> dnsServers) {}
}
