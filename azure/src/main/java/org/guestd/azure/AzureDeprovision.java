// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.guestd.kvp.KvpException;
import org.guestd.kvp.KvpStore;
import org.guestd.kvp.file.FileKvpStore;
import org.guestd.provisioning.Deprovisioner;

/** Azure's part of {@code guestd deprovision}: the KVP records guestd wrote to pool 1. */
public final class AzureDeprovision {
    private AzureDeprovision() {}

    /**
     * Removes {@code PROVISIONING_REPORT} and guestd's telemetry events ({@code guestd-…} keys) from
     * {@code .kvp_pool_1} in {@code poolDir}, through the store's locks (safe beside a running agent).
     */
    public static Deprovisioner.Action kvpRecords(Path poolDir) throws KvpException {
        if (!FileKvpStore.poolExists(poolDir, KvpStore.POOL_GUEST)) {
            return new Deprovisioner.Action("remove guestd's KVP records: no " + poolDir.resolve(".kvp_pool_1"), () -> { });
        }
        KvpStore store = new FileKvpStore(FileKvpStore.Options.defaults(poolDir));
        List<byte[]> keys = new ArrayList<>();
        for (KvpStore.Entry e : store.list(KvpStore.POOL_GUEST)) {
            String k = e.keyText();
            if (k.equals(KvpReport.KEY) || KvpReport.isOwnEvent(k)) {
                keys.add(e.key());
            }
        }
        if (keys.isEmpty()) {
            return new Deprovisioner.Action("remove guestd's KVP records from " + poolDir.resolve(".kvp_pool_1")
                    + ": none found", () -> { });
        }
        return new Deprovisioner.Action("remove guestd's " + keys.size() + " KVP record(s) (PROVISIONING_REPORT, "
                + "telemetry) from " + poolDir.resolve(".kvp_pool_1"), () -> {
                    for (byte[] k : keys) {
                        store.delete(KvpStore.POOL_GUEST, k);
                    }
                });
    }
}
