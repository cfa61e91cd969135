// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.control;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.guestd.core.json.Json;
import org.guestd.core.json.JsonText;
import org.guestd.qga.codec.QDictOrder;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;
import org.guestd.qga.dispatch.CommandRegistry;

/**
 * {@code guest-info} (Since: 0.15.0): GuestAgentInfo {@code {version, supported_commands:
 * [GuestAgentCommandInfo {name, enabled, success-response (1.7)}]}}, every registered command in
 * reverse registration order, with its current enabled state.
 */
public final class GuestInfoCommand extends BaseCommand {
    public static final String NAME = "guest-info";
    public static final String VERSION = "version";
    public static final String SUPPORTED_COMMANDS = "supported_commands";
    public static final String CMD_NAME = "name";
    public static final String CMD_ENABLED = "enabled";
    public static final String CMD_SUCCESS_RESPONSE = "success-response";

    private final CommandRegistry registry;
    private final String version;
    /** The last reply value and the command states it was built from. */
    private volatile Cached cached;

    private record Cached(List<CommandRegistry.CommandInfo> states, JsonText value) {}

    /** @param version the agent version reported in {@code version} */
    public GuestInfoCommand(CommandRegistry registry, String version) {
        super(NAME);
        this.registry = registry;
        this.version = version;
    }

    /** Pure computation: may answer on the I/O thread. */
    @Override
    public boolean quick() {
        return true;
    }

    /**
     * The reply value, encoded once per set of command states (enabled flags change only with the
     * frozen state or the block/allow lists): the 44-entry list is the largest reply a host polls,
     * and building and encoding it per request was most of guest-info's cost.
     */
    @Override
    public Object execute(Args args) {
        List<CommandRegistry.CommandInfo> states = registry.commandInfos();
        Cached c = cached;
        if (c == null || !c.states().equals(states)) {
            c = new Cached(states, new JsonText(Json.write(QDictOrder.reorder(build(states)))));
            cached = c;
        }
        return c.value();
    }

    /** The GuestAgentInfo value for these command states, members in insertion order. */
    private Map<String, Object> build(List<CommandRegistry.CommandInfo> states) {
        List<Object> cmds = new ArrayList<>();
        for (CommandRegistry.CommandInfo c : states) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(CMD_NAME, c.name());
            m.put(CMD_ENABLED, c.enabled());
            m.put(CMD_SUCCESS_RESPONSE, c.successResponse());
            cmds.add(m);
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put(VERSION, version);
        info.put(SUPPORTED_COMMANDS, cmds);
        return info;
    }
}
