// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.core.log.HostWarnings;
import org.guestd.freeze.FsFreezer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon side of {@code /dev/vmbus/hv_vss} ({@code struct hv_vss_msg}, 12 bytes), as
 * hv_vss_daemon: REGISTER1 (129) after open, the kernel answers with a 4-byte u32 version, then
 * FREEZE / THAW go to the freeze engine and HOT_BACKUP (the host's "check") is acknowledged.
 * The reply is the request with the status in bytes 0..3.
 *
 * <p>Without a freeze engine (none exported) FREEZE fails with HV_E_FAIL and THAW succeeds, which is
 * what hv_vss_daemon answers when it cannot freeze (FITHAW of an unfrozen filesystem counts as
 * success there). A session lost while frozen is thawed: the host cannot send THAW any more.
 */
final class VssProtocol implements DeviceProtocol {
    /** sizeof(struct hv_vss_msg). */
    static final int MSG_SIZE = 12;
    static final int OP_HOT_BACKUP = 2;
    static final int OP_FREEZE = 5;
    static final int OP_THAW = 6;
    static final int OP_REGISTER1 = 129;
    static final String REQUESTER = "hyperv-vss";
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.hyperv");

    private final Optional<FsFreezer> freezer;
    private boolean inHandshake = true;
    private final HostWarnings warnings = new HostWarnings(LOG);
    private boolean frozenByUs;

    /** @param freezer the freeze feature; empty: freezes fail as without one */
    VssProtocol(Optional<FsFreezer> freezer) {
        this.freezer = freezer;
    }

    @Override
    public String name() {
        return "vss";
    }

    @Override
    public byte[] register() {
        inHandshake = true;
        byte[] m = new byte[MSG_SIZE];
        m[0] = (byte) OP_REGISTER1;
        return m;
    }

    @Override
    public byte[] handle(byte[] request) {
        if (inHandshake && request.length == 4) {
            inHandshake = false;
            LOG.info("vss: registered with the kernel, module version {}", Wire.u32(request, 0));
            return null;
        }
        if (request.length != MSG_SIZE) {
            // the kernel sends exactly 12 bytes and accepts exactly 12 back
            warnings.warn("vss-bad-size", "vss: {}-byte message (expected {}); answered HV_E_FAIL", request.length,
                    MSG_SIZE);
            byte[] reply = new byte[MSG_SIZE];
            System.arraycopy(request, 0, reply, 0, Math.min(request.length, MSG_SIZE));
            Wire.putU32(reply, 0, HvStatus.E_FAIL);
            return reply;
        }
        inHandshake = false;
        byte[] m = request.clone();
        int op = m[0] & 0xff;
        int status;
        switch (op) {
            case OP_FREEZE:
                status = freeze();
                break;
            case OP_THAW:
                status = thaw();
                break;
            case OP_HOT_BACKUP:
                // The kernel would tell the host "no auto recovery" only if the reply's op byte were
                // still HOT_BACKUP, but bytes 0..3 are the status, so like the reference we answer 0.
                LOG.debug("vss: host check (HOT_BACKUP)"); // per request: debug
                status = HvStatus.S_OK;
                break;
            default:
                warnings.warn("vss-illegal-op", "vss: illegal op {}", op);
                status = HvStatus.S_OK; // as hv_vss_daemon
                break;
        }
        Wire.putU32(m, 0, status);
        return m;
    }

    private int freeze() {
        Optional<FsFreezer> f = freezer;
        if (f.isEmpty()) {
            warnings.warn("vss-no-freezer", "vss: host asked to freeze, but no freeze engine is running: HV_E_FAIL");
            return HvStatus.E_FAIL;
        }
        if (f.get().status() == FsFreezer.Status.FROZEN) {
            // hv_vss_daemon's FIFREEZE of a frozen filesystem fails with EBUSY, which it counts as
            // success: a second FREEZE answers 0 and changes nothing (VSS differential test)
            LOG.debug("vss: FREEZE while frozen: nothing to do");
            return HvStatus.S_OK;
        }
        try {
            int n = f.get().freeze(null, REQUESTER);
            frozenByUs = true;
            LOG.debug("vss: froze {} filesystems", n); // debug: nothing is written to disk while frozen
            return HvStatus.S_OK;
        } catch (AgentException | RuntimeException e) {
            warnings.warn("vss-freeze-failed", "vss: freeze failed: {}", e.getMessage());
            return HvStatus.E_FAIL;
        }
    }

    private int thaw() {
        Optional<FsFreezer> f = freezer;
        if (f.isEmpty()) {
            return HvStatus.S_OK;
        }
        try {
            int n = f.get().thaw(REQUESTER);
            frozenByUs = false;
            LOG.debug("vss: thawed {} filesystems", n); // the freeze engine's audit line has it
            return HvStatus.S_OK;
        } catch (AgentException | RuntimeException e) {
            warnings.warn("vss-thaw-failed", "vss: thaw failed: {}", e.getMessage());
            return HvStatus.E_FAIL;
        }
    }

    @Override
    public void sessionEnded() {
        if (frozenByUs) {
            LOG.warn("vss: device lost while frozen; thawing");
            thaw();
        }
    }
}
