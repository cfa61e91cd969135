// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import static org.guestd.hyperv.KvpWire.*;

import java.util.List;
import java.util.Optional;
import org.guestd.core.log.HostWarnings;
import org.guestd.kvp.KvpException;
import org.guestd.kvp.KvpIntrinsics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KVP_OP_GET_IP_INFO and KVP_OP_SET_IP_INFO: {@code struct hv_kvp_ipaddr_value} on the char device
 * (NUL-terminated UTF-8 strings, the kernel converts to and from the host's UTF-16). The list
 * separators are the reference daemon's: addresses and subnets joined with {@code ;}, every
 * gateway and DNS server followed by {@code ;} (hv_kvp_daemon's {@code kvp_process_ipconfig_file}).
 */
final class KvpIpInfo {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.hyperv");
    private static final HostWarnings WARNINGS = new HostWarnings(LOG);

    private KvpIpInfo() {}

    static int get(KvpIntrinsics intrinsics, byte[] m) throws KvpException {
        String mac = Wire.cString(m, OFF_IP_ADAPTER_ID, SIZE_IP_ADAPTER_ID);
        Optional<KvpIntrinsics.IpConfig> found = intrinsics.ipInfo(mac);
        if (found.isEmpty()) {
            LOG.debug("kvp: GET_IP_INFO: no adapter with MAC {}", mac);
            return HvStatus.E_FAIL;
        }
        KvpIntrinsics.IpConfig c = found.get();
        m[OFF_IP_ADDR_FAMILY] = (byte) c.addressFamily();
        m[OFF_IP_DHCP] = (byte) (c.dhcpEnabled() ? 1 : 0);
        Wire.putCString(m, OFF_IP_ADDR, SIZE_IP_ADDR, String.join(";", c.ipAddresses()));
        Wire.putCString(m, OFF_IP_SUBNET, SIZE_IP_SUBNET, String.join(";", c.subnets()));
        Wire.putCString(m, OFF_IP_GATEWAY, SIZE_IP_GATEWAY, terminated(c.gateways()));
        Wire.putCString(m, OFF_IP_DNS, SIZE_IP_DNS, terminated(c.dnsServers()));
        return HvStatus.S_OK;
    }

    /**
     * SET_IP_INFO. The adapter is named by its VMBus instance GUID, which must equal some
     * {@code /sys/class/net/IF/device/device_id} (as the reference matches it, braces included);
     * none is HV_GUID_NOTFOUND, checked here because {@link KvpIntrinsics#setIpInfo} has no way
     * to say "no such adapter" apart from other failures (HV_E_FAIL).
     */
    static int set(KvpIntrinsics intrinsics, byte[] m) throws KvpException {
        String guid = Wire.cString(m, OFF_IP_ADAPTER_ID, SIZE_IP_ADAPTER_ID);
        if (!intrinsics.hasAdapter(guid)) {
            WARNINGS.warn("kvp-ip-no-adapter", "kvp: SET_IP_INFO for an adapter that does not exist: {}", guid);
            return HvStatus.GUID_NOTFOUND;
        }
        KvpIntrinsics.IpConfig c = new KvpIntrinsics.IpConfig(
                guid,
                m[OFF_IP_ADDR_FAMILY] & 0xff,
                m[OFF_IP_DHCP] != 0,
                split(Wire.cString(m, OFF_IP_ADDR, SIZE_IP_ADDR)),
                split(Wire.cString(m, OFF_IP_SUBNET, SIZE_IP_SUBNET)),
                split(Wire.cString(m, OFF_IP_GATEWAY, SIZE_IP_GATEWAY)),
                split(Wire.cString(m, OFF_IP_DNS, SIZE_IP_DNS)));
        intrinsics.setIpInfo(c);
        return HvStatus.S_OK;
    }

    private static String terminated(List<String> items) {
        StringBuilder sb = new StringBuilder();
        for (String s : items) {
            sb.append(s).append(';');
        }
        return sb.toString();
    }

    /**
     * The items of a {@code ;}-separated list as the host sent them (a trailing {@code ;} ends the
     * list); the daemon's reading rules (stop at the first empty item, leading spaces dropped) are
     * the writer's ({@code IfcfgWriter}).
     */
    static List<String> split(String list) {
        return list.isEmpty() ? List.of() : List.of(list.split(";"));
    }
}
