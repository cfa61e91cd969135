// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.guestd.core.AgentException;
import org.guestd.qga.command.control.GuestPing;
import org.guestd.qga.command.control.GuestSync;
import org.guestd.qga.command.system.GuestGetDevices;
import org.junit.jupiter.api.Test;

class CommandRegistryTest {
    private static String lookupError(CommandRegistry r, String name) {
        AgentException e = assertThrows(AgentException.class, () -> r.lookup(name));
        assertEquals(ErrorClass.COMMAND_NOT_FOUND, QgaException.classOf(e));
        return e.getMessage();
    }

    @Test
    void alwaysDisabledCommandIsListedButDisabledLikeABlockedOne() {
        CommandRegistry r = TestCommands.registry(new GuestPing(), new GuestGetDevices());
        assertEquals("Command guest-get-devices has been disabled", lookupError(r, "guest-get-devices"));
        assertFalse(r.isEnabled("guest-get-devices"));
        assertTrue(r.isEnabled("guest-ping"));
        assertEquals(new CommandRegistry.CommandInfo("guest-get-devices", false, true), r.commandInfos().get(0));
        // an allow list naming it does not enable it; frozen state takes precedence in the reason
        r.setAllowed(List.of("guest-get-devices"));
        assertEquals("Command guest-get-devices has been disabled", lookupError(r, "guest-get-devices"));
        r.setAllowed(null);
        r.setFrozenState(() -> true);
        assertEquals("Command guest-get-devices has been disabled: the agent is in frozen state",
                lookupError(r, "guest-get-devices"));
    }

    @Test
    void policyIgnoresTheFrozenState() {
        CommandRegistry r = TestCommands.registry(new GuestPing(), new GuestSync(),
                new GuestGetDevices());
        r.setBlocked(List.of("guest-sync"));
        r.setFrozenState(() -> true);
        assertFalse(r.isEnabled("guest-ping") && r.isEnabled("guest-get-devices"));
        assertTrue(r.enabledByPolicy("guest-ping"), "frozen, but the lists enable it");
        assertFalse(r.enabledByPolicy("guest-sync"), "blocked");
        assertFalse(r.enabledByPolicy("guest-get-devices"), "always disabled");
        assertFalse(r.enabledByPolicy("guest-unknown"));
        r.setAllowed(List.of("guest-sync"));
        assertFalse(r.enabledByPolicy("guest-ping"), "not in the allow list");
    }

    @Test
    void duplicateNamesAreRejected() {
        CommandRegistry r = TestCommands.registry(new GuestPing());
        assertThrows(IllegalStateException.class, () -> r.register(new GuestPing()));
    }

    @Test
    void successResponseMustMatchTheCatalogue() {
        CommandRegistry r = new CommandRegistry();
        assertThrows(IllegalStateException.class, () -> r.register(TestCommands.of("guest-shutdown",
                StructSpec.EMPTY, true, a -> null)));
        r.register(TestCommands.of("guest-shutdown", StructSpec.EMPTY, false, a -> null));
        r.register(TestCommands.of("x-not-in-catalogue", StructSpec.EMPTY, true, a -> null));
    }

    @Test
    void unknownBlockedAllowedAndFrozenMessages() throws AgentException {
        CommandRegistry r = TestCommands.registry(new GuestPing(), new GuestSync(),
                TestCommands.of("guest-get-time", StructSpec.EMPTY, true, a -> 1L));
        assertEquals("The command guest-invalid-cmd has not been found", lookupError(r, "guest-invalid-cmd"));
        r.setBlocked(List.of("guest-ping", "no-such-command"));
        assertEquals("Command guest-ping has been disabled", lookupError(r, "guest-ping"));
        r.lookup("guest-sync");
        r.setBlocked(List.of());
        r.setAllowed(List.of("guest-ping", "also-unknown"));
        r.lookup("guest-ping");
        assertEquals("Command guest-sync has been disabled: the command is not allowed", lookupError(r, "guest-sync"));
        r.setAllowed(null);
        AtomicBoolean frozen = new AtomicBoolean(true);
        r.setFrozenState(frozen::get);
        assertEquals("Command guest-get-time has been disabled: the agent is in frozen state",
                lookupError(r, "guest-get-time"));
        r.lookup("guest-ping");
        r.lookup("guest-sync");
        assertFalse(r.isEnabled("guest-get-time"));
        frozen.set(false);
        assertTrue(r.isEnabled("guest-get-time"));
        assertEquals("The command guest-get-load has not been found", lookupError(r, "guest-get-load"));
    }

    @Test
    void commandInfosAreInReverseSchemaOrderWhateverTheRegistrationOrder() {
        CommandRegistry r = TestCommands.registry(new GuestPing(),
                TestCommands.of("guest-get-cpustats", StructSpec.EMPTY, true, a -> null), new GuestSync(),
                TestCommands.of("guest-suspend-ram", StructSpec.EMPTY, false, a -> null));
        r.setBlocked(List.of("guest-sync"));
        List<String> names = new ArrayList<>();
        for (CommandRegistry.CommandInfo i : r.commandInfos()) {
            names.add(i.name() + ":" + i.enabled() + ":" + i.successResponse());
        }
        assertEquals(List.of("guest-get-cpustats:true:true", "guest-suspend-ram:true:false", "guest-ping:true:true",
                "guest-sync:false:true"), names);
    }

    @Test
    void catalogueHasTheFullQemuCommandSet() {
        CommandCatalogue c = CommandCatalogue.standard();
        assertEquals(44, c.entries().size());
        assertEquals("guest-sync-delimited", c.entries().get(0).name());
        assertEquals("guest-network-get-route", c.entries().get(43).name());
        List<String> nr = new ArrayList<>();
        for (CommandCatalogue.Entry e : c.entries()) {
            if (!e.successResponse()) {
                nr.add(e.name());
            }
        }
        assertEquals(List.of("guest-shutdown", "guest-suspend-disk", "guest-suspend-ram", "guest-suspend-hybrid"), nr);
        assertEquals("2.10", c.find("guest-get-osinfo").orElseThrow().since());
        assertEquals("10.0", c.find("guest-get-load").orElseThrow().since());
    }
}
