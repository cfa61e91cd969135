// SPDX-License-Identifier: Apache-2.0
package org.guestd.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestCtlTest {
    @Test
    void helpListsEveryCommand() {
        CtlFixtures.Run r = CtlFixtures.guestctl("--help");
        assertEquals(0, r.rc());
        for (String c : GuestCtl.TOOLS.keySet()) {
            assertTrue(r.out().contains("guestctl " + c), c);
        }
        assertEquals(List.of("status", "doctor", "kvp", "azure"), List.copyOf(GuestCtl.TOOLS.keySet()));
        assertEquals(GuestCtl.USAGE, CtlFixtures.guestctl().rc());
    }

    @Test
    void kvpIsKvpsTool(@TempDir Path pools) {
        CtlFixtures.Run r = CtlFixtures.guestctl("kvp", "set", "k", "v", "--pool-dir", pools.toString());
        assertEquals(0, r.rc(), r.err());
        r = CtlFixtures.guestctl("kvp", "get", "k", "--pool-dir", pools.toString());
        assertEquals("v\n", r.out());
        assertEquals(1, CtlFixtures.guestctl("kvp", "get", "nope", "--pool-dir", pools.toString()).rc());
    }

    @Test
    void azureStatusIsKvpClisAzureStatus(@TempDir Path state) {
        // nothing recorded under an empty state dir: exit 1, and the same answer as kvp's cli gives
        CtlFixtures.Run r = CtlFixtures.guestctl("azure", "status", "--state-dir", state.toString(),
                "--pool-dir", state.toString(), "--sys", state.toString());
        assertEquals(1, r.rc(), r.out() + r.err());
        assertEquals(GuestCtl.USAGE, CtlFixtures.guestctl("azure", "frob").rc());
    }

    @Test
    void anUnknownCommandGoesToKvpsToolAndTheHelpSaysWhatThereIs() {
        CtlFixtures.Run r = CtlFixtures.guestctl("frobnicate");
        assertEquals(GuestCtl.USAGE, r.rc());
        assertTrue(r.err().contains("guestctl status [--json]"), r.err());
    }
}
