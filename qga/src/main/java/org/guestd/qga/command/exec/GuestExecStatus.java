// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.exec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.process.ProcessRunner;
import org.guestd.process.ProcessStatus;
import org.guestd.qga.command.QBase64;
import org.guestd.qga.dispatch.ArgType;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;
import org.guestd.qga.dispatch.StructSpec;

/**
 * {@code guest-exec-status} (Since: 2.5): {@code {pid: int}} → GuestExecStatus {@code {exited,
 * exitcode?, signal?, out-data?, err-data?, out-truncated?, err-truncated?}}. While the child runs
 * only {@code exited: false}; once it is reported exited the runner forgets it, so asking again
 * answers "Invalid parameter 'pid'" (qemu 7.2's text; qemu 8.2+ answers "PID ld does not exist",
 * a format-string slip). A stream's data and truncation flag are sent only when it carried bytes.
 */
public final class GuestExecStatus extends BaseCommand {
    public static final String NAME = "guest-exec-status";
    public static final String INVALID_PID = "Invalid parameter 'pid'";
    private static final StructSpec ARGS = StructSpec.builder().required("pid", ArgType.INT).build();

    private final Optional<ProcessRunner> processes;

    GuestExecStatus(Optional<ProcessRunner> processes) {
        super(NAME, ARGS);
        this.processes = processes;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        ProcessStatus s = ExecCommands.feature(processes).poll(args.getLong("pid"))
                .orElseThrow(() -> AgentException.generic(INVALID_PID));
        if (!s.exited()) {
            return Map.of("exited", false);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("exited", true);
        s.exitCode().ifPresent(c -> m.put("exitcode", (long) c));
        s.signal().ifPresent(n -> m.put("signal", (long) n));
        putStream(m, "out", s.stdout());
        putStream(m, "err", s.stderr());
        return m;
    }

    private static void putStream(Map<String, Object> m, String prefix, ProcessStatus.Output o) {
        if (o.data().length > 0) {
            m.put(prefix + "-data", QBase64.encode(o.data(), o.data().length));
            m.put(prefix + "-truncated", o.truncated());
        }
    }
}
