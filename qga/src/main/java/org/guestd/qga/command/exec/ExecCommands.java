// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.exec;

import java.util.List;
import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.process.ProcessRunner;
import org.guestd.qga.dispatch.QgaCommand;

/**
 * The guest-exec group: guest-exec and guest-exec-status over the process feature's
 * {@link ProcessRunner}; without it both answer QERR_UNSUPPORTED.
 */
public final class ExecCommands {
    private ExecCommands() {}

    /** Both commands, over one runner. */
    public static List<QgaCommand> all(Optional<ProcessRunner> processes) {
        return List.of(new GuestExecStatus(processes), new GuestExec(processes));
    }

    static ProcessRunner feature(Optional<ProcessRunner> processes) throws AgentException {
        return processes.orElseThrow(AgentException::unsupported);
    }
}
