// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.exec;

import java.util.List;
import org.guestd.qga.dispatch.QgaCommand;

/** The guest-exec group: guest-exec and guest-exec-status over one table of children. */
public final class ExecCommands {
    private ExecCommands() {}

    /** Both commands, sharing one process table. */
    public static List<QgaCommand> all() {
        ExecTable table = new ExecTable();
        return List.of(new GuestExecStatus(table), new GuestExec(table));
    }
}
