// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.memory;

import java.util.List;
import org.guestd.memory.MemoryBlocks;
import org.guestd.memory.VcpuControl;
import java.util.Optional;
import org.guestd.qga.dispatch.QgaCommand;

/** The vCPU and memory-block commands, over the memory feature's APIs. */
public final class MemoryCommands {
    private MemoryCommands() {}

    public static List<QgaCommand> all(Optional<MemoryBlocks> blocks, Optional<VcpuControl> vcpus) {
        return List.of(new GuestSetVcpus(vcpus),
                new GuestGetMemoryBlocks(blocks),
                new GuestSetMemoryBlocks(blocks),
                new GuestGetMemoryBlockInfo(blocks));
    }
}
