// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.memory;

import java.util.List;
import org.guestd.memory.MemoryBlocks;
import org.guestd.memory.VcpuControl;
import org.guestd.qga.command.CommandDeps;
import org.guestd.qga.dispatch.QgaCommand;

/** The vCPU and memory-block commands, over the memory service's APIs (looked up per call). */
public final class MemoryCommands {
    private MemoryCommands() {}

    public static List<QgaCommand> all(CommandDeps deps) {
        return List.of(new GuestSetVcpus(() -> deps.service(VcpuControl.class)),
                new GuestGetMemoryBlocks(() -> deps.service(MemoryBlocks.class)),
                new GuestSetMemoryBlocks(() -> deps.service(MemoryBlocks.class)),
                new GuestGetMemoryBlockInfo(() -> deps.service(MemoryBlocks.class)));
    }
}
