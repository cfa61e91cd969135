// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.exec;

import java.util.Map;
import org.guestd.core.AgentException;
import org.guestd.qga.dispatch.ArgType;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;
import org.guestd.qga.dispatch.StructSpec;

/**
 * {@code guest-exec-status} (Since: 2.5): {@code {pid: int}} → GuestExecStatus {@code {exited,
 * exitcode?, signal?, out-data?, err-data?, out-truncated?, err-truncated?}}. While the child runs
 * only {@code exited: false}; once it is reported exited its record is dropped, so asking again
 * answers "Invalid parameter 'pid'" (qemu 7.2's text; qemu 8.2+ answers "PID ld does not exist",
 * a format-string slip).
 */
public final class GuestExecStatus extends BaseCommand {
    public static final String NAME = "guest-exec-status";
    public static final String INVALID_PID = "Invalid parameter 'pid'";
    private static final StructSpec ARGS = StructSpec.builder().required("pid", ArgType.INT).build();

    private final ExecTable table;

    GuestExecStatus(ExecTable table) {
        super(NAME, ARGS);
        this.table = table;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        ExecProcess p = table.find(args.getLong("pid"));
        if (p == null) {
            throw AgentException.generic(INVALID_PID);
        }
        if (!p.exited()) {
            return Map.of("exited", false);
        }
        table.remove(p);
        return p.finalStatus();
    }
}
