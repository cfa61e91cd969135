// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.hyperv;

import java.util.Arrays;

/**
 * A daemon's reply to a KVP request, read the way the kernel's {@code kvp_respond_to_host} reads it:
 * the status from bytes 0..3; for ENUMERATE the key at 20 and value at 532; for GET the value at 532
 * (the kernel reads GET's value from the ENUMERATE field); for GET_IP_INFO the address strings.
 * Only these fields reach the host, so they are what differential tests compare.
 */
public record KvpReply(byte[] raw) {
    /** bytes 0..3: the status the kernel forwards to the host. */
    public int status() {
        return KvpMessages.u32(raw, 0);
    }

    public boolean ok() {
        return status() == 0;
    }

    public String enumKey() {
        return KvpMessages.string(raw, 20, 512);
    }

    /** ENUMERATE's value, and where the kernel takes a GET reply's value from. */
    public String value() {
        return KvpMessages.string(raw, 532, 2048);
    }

    public int addressFamily() {
        return raw[260] & 0xff;
    }

    public boolean dhcpEnabled() {
        return raw[261] != 0;
    }

    public String adapterId() {
        return KvpMessages.string(raw, 4, 256);
    }

    public String ipAddresses() {
        return KvpMessages.string(raw, 262, 2048);
    }

    public String subnets() {
        return KvpMessages.string(raw, 2310, 2048);
    }

    public String gateways() {
        return KvpMessages.string(raw, 4358, 1024);
    }

    public String dnsServers() {
        return KvpMessages.string(raw, 5382, 2048);
    }

    /** What the kernel would pass on to the host for a reply to {@code op}, as text (for comparisons and logs). */
    public String hostVisible(int op) {
        String s = String.format("status=0x%08x", status());
        if (!ok()) {
            return s; // a failed reply carries no data to the host
        }
        switch (op) {
            case KvpMessages.ENUMERATE:
                return s + " key=" + enumKey() + " value=" + value();
            case KvpMessages.GET:
                return s + " value=" + value();
            case KvpMessages.GET_IP_INFO:
                return s + " family=" + addressFamily() + " dhcp=" + dhcpEnabled() + " ip=" + ipAddresses()
                        + " subnet=" + subnets() + " gw=" + gateways() + " dns=" + dnsServers();
            default:
                return s;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KvpReply && Arrays.equals(raw, ((KvpReply) o).raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return "KvpReply[status=" + String.format("0x%08x", status()) + "]";
    }
}
