// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.guestd.core.testing.FakeClock;
import org.guestd.kvp.KvpStore;
import org.guestd.kvp.file.FileKvpStore;
import org.guestd.provisioning.Deprovisioner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AzureDeprovisionTest {
    @TempDir
    Path dir;

    @Test
    void removesOnlyGuestdsRecordsFromPool1() throws Exception {
        assertTrue(AzureDeprovision.kvpRecords(dir).description().contains("no "), "no pool file: nothing to do");
        FileKvpStore store = new FileKvpStore(FileKvpStore.Options.defaults(dir));
        store.init();
        store.set(1, "CLOUD_INIT|1|x".getBytes(StandardCharsets.UTF_8), "other agent".getBytes(StandardCharsets.UTF_8));
        KvpReport r = new KvpReport(store, "0.1.0", new FakeClock(0), UUID::randomUUID);
        r.event("vm", "INFO", "provision:user", "done");
        r.success("vm");
        Deprovisioner.Action a = AzureDeprovision.kvpRecords(dir);
        assertTrue(a.description().startsWith("remove guestd's 2 KVP record(s)"), a.description());
        assertEquals(3, store.list(KvpStore.POOL_GUEST).size(), "listing changes nothing");
        a.task().run();
        assertEquals(List.of("CLOUD_INIT|1|x"), store.list(KvpStore.POOL_GUEST).stream().map(KvpStore.Entry::keyText).toList());
    }
}
