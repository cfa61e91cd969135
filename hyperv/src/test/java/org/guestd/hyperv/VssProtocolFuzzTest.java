// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.freeze.FsFreezer;

/**
 * Fuzz target: hv_vss messages (12 bytes, or any other size) onto a counting fake freezer — never
 * a real FIFREEZE. Checks: nothing thrown; every reply is 12 bytes (none only for the kernel's
 * 4-byte handshake reply); the freezer is never asked to freeze while frozen by VSS; and a session
 * that ends while frozen leaves the fake thawed, as a lost host cannot send THAW.
 *
 * <p>Regression inputs: {@code src/test/resources/org/guestd/hyperv/VssProtocolFuzzTestInputs/messages/};
 * long runs: {@code bin/fuzz VssProtocolFuzzTest [SECONDS]}.
 */
public class VssProtocolFuzzTest {

    /** Counts freezes and thaws; refuses a second freeze as the engine does. */
    static final class CountingFreezer implements FsFreezer {
        Status status = Status.THAWED;
        boolean fail;

        @Override
        public Status status() {
            return status;
        }

        @Override
        public int freeze(List<String> mountpoints, String requester) throws AgentException {
            if (status == Status.FROZEN) {
                throw AgentException.generic("filesystems are already frozen");
            }
            if (fail) {
                throw AgentException.generic("failed to freeze /: EIO");
            }
            status = Status.FROZEN;
            return 2;
        }

        @Override
        public int thaw(String requester) {
            int n = status == Status.FROZEN ? 2 : 0;
            status = Status.THAWED;
            return n;
        }
    }

    public static void fuzzerTestOneInput(FuzzedDataProvider d) {
        CountingFreezer f = new CountingFreezer();
        VssProtocol vss = new VssProtocol(d.consumeInt(0, 9) == 0 ? Optional.empty() : Optional.of(f));
        assertEquals(VssProtocol.MSG_SIZE, vss.register().length);
        int n = d.consumeInt(1, 20);
        for (int i = 0; i < n && d.remainingBytes() > 0; i++) {
            f.fail = d.consumeInt(0, 7) == 0;
            byte[] m;
            if (d.consumeInt(0, 5) == 0) {
                m = d.consumeBytes(d.consumeInt(0, 20));
            } else {
                m = new byte[VssProtocol.MSG_SIZE];
                int[] ops = {VssProtocol.OP_FREEZE, VssProtocol.OP_THAW, VssProtocol.OP_HOT_BACKUP, d.consumeInt(0, 255)};
                m[0] = (byte) ops[d.consumeInt(0, 3)];
                byte[] rest = d.consumeBytes(VssProtocol.MSG_SIZE - 1);
                System.arraycopy(rest, 0, m, 1, rest.length);
            }
            byte[] reply = vss.handle(m);
            if (reply == null) {
                assertEquals(4, m.length, "only the kernel's 4-byte handshake reply goes unanswered");
                continue;
            }
            assertEquals(VssProtocol.MSG_SIZE, reply.length);
        }
        vss.sessionEnded();
        assertTrue(f.status == FsFreezer.Status.THAWED, "left frozen after the session ended");
    }

    @FuzzTest(maxDuration = "60s")
    void messages(FuzzedDataProvider d) {
        fuzzerTestOneInput(d);
    }
}
