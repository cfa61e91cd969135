// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.guestd.kvp.KvpException;
import org.guestd.kvp.KvpIntrinsics;
import org.guestd.kvp.KvpStore;

/** Scripted {@link KvpIntrinsics}: a fixed auto pool, IP configs by MAC, applied configs recorded. */
final class FakeIntrinsics implements KvpIntrinsics {
    final List<KvpStore.Entry> auto = new ArrayList<>();
    final Map<String, IpConfig> byMac = new HashMap<>();
    final List<IpConfig> applied = new ArrayList<>();
    final Set<String> adapters = new HashSet<>();
    boolean failSet;
    KvpException.Reason failReason = KvpException.Reason.FAILED;

    FakeIntrinsics auto(String key, String value) {
        auto.add(new KvpStore.Entry(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    @Override
    public List<KvpStore.Entry> autoPool() {
        return List.copyOf(auto);
    }

    @Override
    public Optional<IpConfig> ipInfo(String macAddress) {
        return Optional.ofNullable(byMac.get(macAddress));
    }

    @Override
    public void setIpInfo(IpConfig config) throws KvpException {
        if (failSet) {
            throw new KvpException(failReason, "hv_set_ifconfig failed (" + failReason + ")", null);
        }
        applied.add(config);
    }

    /** Registers a network adapter by its VMBus device id (SET_IP_INFO checks it exists). */
    FakeIntrinsics adapter(String deviceId) {
        adapters.add(deviceId);
        return this;
    }

    @Override
    public boolean hasAdapter(String deviceId) {
        return adapters.contains(deviceId);
    }
}
