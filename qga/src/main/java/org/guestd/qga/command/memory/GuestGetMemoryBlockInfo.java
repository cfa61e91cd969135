// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.memory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.memory.MemoryBlocks;
import org.guestd.qga.command.Wire;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;

/** {@code guest-get-memory-block-info} (Since: 2.3): {@code {size: uint64}} in bytes. */
public final class GuestGetMemoryBlockInfo extends BaseCommand {
    public static final String NAME = "guest-get-memory-block-info";

    private final Optional<MemoryBlocks> blocks;

    public GuestGetMemoryBlockInfo(Optional<MemoryBlocks> blocks) {
        super(NAME);
        this.blocks = blocks;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("size", Wire.u64(blocks.orElseThrow(AgentException::unsupported).blockSizeBytes()));
        return m;
    }
}
