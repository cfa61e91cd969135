// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFileTest {
    @TempDir
    Path tmp;

    @Test
    void roundTripsAndToleratesDamage() throws Exception {
        StateFile f = new StateFile(tmp.resolve("p"));
        assertTrue(f.load().isEmpty());
        ProvisioningState s = new ProvisioningState("vm", ProvisioningState.Status.FAILED, "check: bad \"key\"\n",
                "imds", "azureuser", 1, 2, List.of(new Step("check", "imds", Step.Result.FAILED, "bad", 2)),
                new ProvisioningState.Report("result=error|reason=x", "NotReady", "json /provisioning/health", 3));
        f.save(s);
        assertEquals(s, f.load().orElseThrow());
        assertTrue(Files.readString(f.file()).startsWith("{\"version\": 1, \"vmId\": \"vm\", \"status\": \"failed\""));
        Files.writeString(f.file(), "{\"vmId\": ");
        assertTrue(f.load().isEmpty(), "an unreadable state counts as not provisioned");
        Files.write(f.file(), new byte[StateFile.MAX_BYTES + 1]);
        assertTrue(f.load().isEmpty());
    }
}
