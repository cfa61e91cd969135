// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.memory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.memory.MemoryBlocks;
import org.guestd.qga.command.Wire;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;

/**
 * {@code guest-get-memory-blocks} (Since: 2.3): [GuestMemoryBlock {@code {phys-index: uint64,
 * online: bool, can-offline?: bool}}]; qemu-ga on Linux always fills in can-offline.
 */
public final class GuestGetMemoryBlocks extends BaseCommand {
    public static final String NAME = "guest-get-memory-blocks";
    static final String PHYS_INDEX = "phys-index";
    static final String ONLINE = "online";
    static final String CAN_OFFLINE = "can-offline";

    private final Optional<MemoryBlocks> blocks;

    public GuestGetMemoryBlocks(Optional<MemoryBlocks> blocks) {
        super(NAME);
        this.blocks = blocks;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        List<Object> out = new ArrayList<>();
        for (MemoryBlocks.Block b : blocks.orElseThrow(AgentException::unsupported).list()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(PHYS_INDEX, Wire.u64(b.physIndex()));
            m.put(ONLINE, b.online());
            m.put(CAN_OFFLINE, b.canOffline());
            out.add(m);
        }
        return out;
    }
}
