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
import org.guestd.qga.dispatch.ArgType;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;
import org.guestd.qga.dispatch.StructSpec;

/**
 * {@code guest-set-memory-blocks} (Since: 2.3): {@code mem-blks: [GuestMemoryBlock]} (can-offline
 * is accepted and ignored); returns [GuestMemoryBlockResponse {@code {phys-index: uint64,
 * response: GuestMemoryBlockResponseType, error-code?: int}}], one per request.
 */
public final class GuestSetMemoryBlocks extends BaseCommand {
    public static final String NAME = "guest-set-memory-blocks";
    public static final String MEM_BLKS = "mem-blks";

    static final StructSpec BLOCK = StructSpec.builder()
            .required(GuestGetMemoryBlocks.PHYS_INDEX, ArgType.UINT64)
            .required(GuestGetMemoryBlocks.ONLINE, ArgType.BOOL)
            .optional(GuestGetMemoryBlocks.CAN_OFFLINE, ArgType.BOOL)
            .build();
    private static final StructSpec ARGS = StructSpec.builder()
            .required(MEM_BLKS, ArgType.listOf(ArgType.struct(BLOCK))).build();

    private final Optional<MemoryBlocks> blocks;

    public GuestSetMemoryBlocks(Optional<MemoryBlocks> blocks) {
        super(NAME, ARGS);
        this.blocks = blocks;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        MemoryBlocks mb = blocks.orElseThrow(AgentException::unsupported);
        List<MemoryBlocks.Request> req = new ArrayList<>();
        for (Args a : args.<Args>getList(MEM_BLKS)) {
            req.add(new MemoryBlocks.Request(a.getLong(GuestGetMemoryBlocks.PHYS_INDEX),
                    a.getBoolean(GuestGetMemoryBlocks.ONLINE)));
        }
        List<Object> out = new ArrayList<>();
        for (MemoryBlocks.Result r : mb.set(req)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(GuestGetMemoryBlocks.PHYS_INDEX, Wire.u64(r.physIndex()));
            m.put("response", wire(r.response()));
            Wire.putOptional(m, "error-code", r.errorCode() == null ? null : (long) r.errorCode());
            out.add(m);
        }
        return out;
    }

    /** GuestMemoryBlockResponseType. */
    static String wire(MemoryBlocks.Response response) {
        return switch (response) {
            case SUCCESS -> "success";
            case NOT_FOUND -> "not-found";
            case OPERATION_NOT_SUPPORTED -> "operation-not-supported";
            case OPERATION_FAILED -> "operation-failed";
        };
    }
}
