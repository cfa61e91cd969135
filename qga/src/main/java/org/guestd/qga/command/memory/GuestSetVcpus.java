// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.memory.VcpuControl;
import org.guestd.qga.dispatch.ArgType;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;
import org.guestd.qga.dispatch.StructSpec;

/**
 * {@code guest-set-vcpus} (Since: 1.5): {@code vcpus: [GuestLogicalProcessor {logical-id: int,
 * online: bool, can-offline?: bool}]} (can-offline ignored); returns how many were processed
 * before the first failure; the failure itself is reported only when it hit the first entry.
 */
public final class GuestSetVcpus extends BaseCommand {
    public static final String NAME = "guest-set-vcpus";
    public static final String VCPUS = "vcpus";

    private static final StructSpec VCPU = StructSpec.builder()
            .required("logical-id", ArgType.INT)
            .required("online", ArgType.BOOL)
            .optional("can-offline", ArgType.BOOL)
            .build();
    private static final StructSpec ARGS = StructSpec.builder()
            .required(VCPUS, ArgType.listOf(ArgType.struct(VCPU))).build();

    private final Optional<VcpuControl> vcpus;

    public GuestSetVcpus(Optional<VcpuControl> vcpus) {
        super(NAME, ARGS);
        this.vcpus = vcpus;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        VcpuControl vc = vcpus.orElseThrow(AgentException::unsupported);
        List<VcpuControl.Request> req = new ArrayList<>();
        for (Args a : args.<Args>getList(VCPUS)) {
            req.add(new VcpuControl.Request(a.getLong("logical-id"), a.getBoolean("online")));
        }
        return vc.set(req);
    }
}
