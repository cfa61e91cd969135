// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.dispatch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.guestd.core.AgentException;

/**
 * The registered commands and which of them are enabled (qemu's {@code QmpCommandList} plus
 * qemu-ga's block/allow lists and frozen state).
 *
 * <p>A command is disabled when, in this order of precedence: the agent is frozen and the command
 * is not one of the {@link #FREEZE_ALLOWED} six ({@code …has been disabled: the agent is in frozen
 * state}); it is in the block list ({@code -b}) or {@link QgaCommand#alwaysDisabled} ({@code Command
 * X has been disabled}); an allow
 * list ({@code -a}) is set and it is not in it ({@code …: the command is not allowed}). Names in
 * the lists that are not registered are ignored silently, as qemu-ga does. Thread-safe.
 */
public final class CommandRegistry {
    /** qemu-ga's {@code ga_freeze_allowlist}: the commands usable while filesystems are frozen. */
    public static final Set<String> FREEZE_ALLOWED = Set.of("guest-ping", "guest-info", "guest-sync",
            "guest-sync-delimited", "guest-fsfreeze-status", "guest-fsfreeze-thaw");

    /** A command as guest-info reports it. */
    public record CommandInfo(String name, boolean enabled, boolean successResponse) {}

    private final CommandCatalogue catalogue;
    private final Map<String, Registered> commands = new ConcurrentHashMap<>();
    private volatile Set<String> blocked = Set.of();
    private volatile Set<String> allowed; // null: no allow list
    private volatile BooleanSupplier frozen = () -> false;
    private volatile BooleanSupplier frozenSettled = () -> true;

    private record Registered(QgaCommand command, int order) {}

    public CommandRegistry(CommandCatalogue catalogue) {
        this.catalogue = catalogue;
    }

    /** A registry ordered by the built-in catalogue. */
    public CommandRegistry() {
        this(CommandCatalogue.standard());
    }

    /**
     * Adds a command.
     *
     * @throws IllegalStateException if the name is taken, or the catalogue knows the name with a
     *     different success-response
     */
    public synchronized void register(QgaCommand command) {
        String name = command.name();
        Optional<CommandCatalogue.Entry> e = catalogue.find(name);
        if (e.isPresent() && e.get().successResponse() != command.successResponse()) {
            throw new IllegalStateException("command " + name + ": success-response must be "
                    + e.get().successResponse());
        }
        int order = e.map(CommandCatalogue.Entry::index).orElse(catalogue.entries().size() + commands.size());
        if (commands.putIfAbsent(name, new Registered(command, order)) != null) {
            throw new IllegalStateException("command " + name + " registered twice");
        }
    }

    /** Replaces the block list ({@code -b/--block-rpcs}). */
    public void setBlocked(Collection<String> names) {
        blocked = Set.copyOf(names);
    }

    /** Replaces the allow list ({@code -a/--allow-rpcs}); null means no allow list. */
    public void setAllowed(Collection<String> names) {
        allowed = names == null ? null : Set.copyOf(names);
    }

    /** Where the frozen state is read from (the fsfreeze feature); false until set. */
    public void setFrozenState(BooleanSupplier isFrozen) {
        setFrozenState(isFrozen, () -> true);
    }

    /**
     * Where the frozen state is read from, and whether reading it answers at once ({@code
     * settled}): while a thaw is under way {@code isFrozen} waits for its end.
     */
    public void setFrozenState(BooleanSupplier isFrozen, BooleanSupplier settled) {
        frozen = isFrozen;
        frozenSettled = settled;
    }

    /** Whether the frozen state can be read without waiting now (the I/O thread's fast path asks). */
    public boolean frozenStateSettled() {
        return frozenSettled.getAsBoolean();
    }

    /** The command, whether enabled or not. */
    public Optional<QgaCommand> find(String name) {
        Registered r = commands.get(name);
        return r == null ? Optional.empty() : Optional.of(r.command());
    }

    /** Why the command is disabled: null if enabled, "" for no stated reason. */
    String disableReason(String name) {
        if (!FREEZE_ALLOWED.contains(name) && frozen.getAsBoolean()) { // the allow-list never waits
            return "the agent is in frozen state";
        }
        return policyReason(name);
    }

    /** Why the lists (or the command's own support) disable the command: null if they do not. */
    private String policyReason(String name) {
        Registered r = commands.get(name);
        if (blocked.contains(name) || (r != null && r.command().alwaysDisabled())) {
            return "";
        }
        Set<String> allow = allowed;
        if (allow != null && !allow.contains(name)) {
            return "the command is not allowed";
        }
        return null;
    }

    public boolean isEnabled(String name) {
        return commands.containsKey(name) && disableReason(name) == null;
    }

    /**
     * Whether the block/allow lists and the command's support here enable {@code name}, whatever the
     * frozen state: the policy the status file reports.
     */
    public boolean enabledByPolicy(String name) {
        return commands.containsKey(name) && policyReason(name) == null;
    }

    /**
     * The command to run for {@code name}, as qmp_dispatch looks it up.
     *
     * @throws AgentException CommandNotFound: "The command X has not been found" or
     *     "Command X has been disabled[: reason]"
     */
    public QgaCommand lookup(String name) throws AgentException {
        Registered r = commands.get(name);
        if (r == null) {
            throw new QgaException(ErrorClass.COMMAND_NOT_FOUND, "The command " + name + " has not been found");
        }
        String reason = disableReason(name);
        if (reason != null) {
            throw new QgaException(ErrorClass.COMMAND_NOT_FOUND,
                    "Command " + name + " has been disabled" + (reason.isEmpty() ? "" : ": " + reason));
        }
        return r.command();
    }

    /** Every registered command in schema (registration) order. */
    public List<QgaCommand> commands() {
        List<Registered> list = new ArrayList<>(commands.values());
        list.sort(Comparator.comparingInt(Registered::order));
        List<QgaCommand> out = new ArrayList<>(list.size());
        for (Registered r : list) {
            out.add(r.command());
        }
        return out;
    }

    /** guest-info's list: every registered command, in reverse schema order (qemu prepends). */
    public List<CommandInfo> commandInfos() {
        List<QgaCommand> list = commands();
        List<CommandInfo> out = new ArrayList<>(list.size());
        for (int i = list.size() - 1; i >= 0; i--) {
            QgaCommand c = list.get(i);
            out.add(new CommandInfo(c.name(), isEnabled(c.name()), c.successResponse()));
        }
        return out;
    }
}
