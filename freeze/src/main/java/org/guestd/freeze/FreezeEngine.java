// SPDX-License-Identifier: Apache-2.0
package org.guestd.freeze;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.guestd.core.AgentException;
import org.guestd.core.env.Clock;
import org.guestd.core.env.HostPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The freeze engine shared by every channel: one state, freeze and thaw never at the same time.
 *
 * <p>Freeze: hooks {@code freeze} → mount walk ({@link MountRules}) → frozen marker written →
 * state FROZEN, watchdog armed → listeners told (the log starts holding its output, the status file
 * is written one last time) → FIFREEZE
 * each mount in order. Failures as qemu-ga ({@link FsOpException.Kind}, mapped from errno by
 * {@link FsOps}): NOT_SUPPORTED (EOPNOTSUPP: the filesystem cannot freeze) and ALREADY_FROZEN
 * (EBUSY: a second mount of one device, or someone else froze it) are skipped and not counted;
 * anything else, or a mountpoint that cannot be opened, rolls back — everything frozen so far is
 * thawed in reverse order, the marker removed, the hooks told {@code freezefail} — before the
 * error ({@code failed to freeze /x: <strerror>}) is thrown. If nothing could be frozen the state
 * goes back to THAWED and the hooks get {@code thaw} (always paired).
 *
 * <p>Thaw: FITHAW each frozen mount in reverse freeze order, repeated until the kernel says it is
 * not frozen (NOT_FROZEN: EINVAL), as qemu-ga and hv_vss_daemon (EINVAL = thawed); then marker
 * removed, listeners told, audit line written, and only then the state THAWED — one change as far
 * as commands see ({@link FreezeState}: {@link #status} waits while it is under way) — and last
 * the hooks {@code thaw}. Every freeze and thaw is written to the {@code guestd.audit} log: who,
 * which mounts, how long the filesystems were frozen.
 *
 * <p>The marker records when the freeze began (monotonic clock and boot id): an agent restarted
 * while frozen arms its auto-thaw watchdog for what is left of the window since the original
 * freeze, not a whole new window, and thaws at once when the window has already passed. A marker
 * from another boot is stale (a reboot thaws everything) and is removed.
 */
final class FreezeEngine implements FsFreezer, FsTrimmer, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.freeze");
    private static final Logger AUDIT = LoggerFactory.getLogger("guestd.audit");
    /** Upper bound of FITHAW repetitions per mount (nested freezes). */
    private static final int MAX_THAW_REPEAT = 64;

    private final HostPaths paths;
    private final MountRules rules;
    private final FsOps ops;
    private final FreezeHooks hooks;
    private final FrozenMarker marker;
    private final Clock clock;
    private final Watchdog watchdog;
    private final List<FreezeListener> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();

    private final FreezeState state = new FreezeState();
    private volatile Frozen frozenInfo; // non-null exactly while FROZEN
    private volatile String bootId; // read once
    /** Mountpoints frozen by this engine, in freeze order; null after a restart with an empty marker. */
    private List<String> frozen = List.of();
    private String frozenBy;
    private long frozenAt;

    FreezeEngine(HostPaths paths, MountRules rules, FsOps ops, FreezeHooks hooks, FrozenMarker marker, Clock clock,
            Watchdog watchdog) {
        this.paths = paths;
        this.rules = rules;
        this.ops = ops;
        this.hooks = hooks;
        this.marker = marker;
        this.clock = clock;
        this.watchdog = watchdog;
    }

    void addListener(FreezeListener l) {
        listeners.add(l);
    }

    /** The state; waits while a thaw is under way (milliseconds), so it never says FROZEN once one began. */
    @Override
    public Status status() {
        return state.get();
    }

    /** Whether {@link #status} answers without waiting now (callers on an event loop ask first). */
    @Override
    public boolean settled() {
        return state.settled();
    }

    @Override
    public Optional<Frozen> frozen() {
        return Optional.ofNullable(frozenInfo);
    }

    /** The mountpoints currently frozen by this engine (freeze order); empty when thawed. */
    List<String> frozenMountpoints() {
        synchronized (lock) {
            return frozen == null ? List.of() : List.copyOf(frozen);
        }
    }

    @Override
    public int freeze(List<String> mountpoints, String requester) throws AgentException {
        synchronized (lock) {
            if (state.peek() == Status.FROZEN) {
                throw AgentException.generic("filesystems are already frozen (by " + frozenBy + "); thaw them first");
            }
            long start = clock.monotonicNanos();
            try {
                hooks.freeze();
            } catch (AgentException e) {
                AUDIT.info("fsfreeze freeze by {} refused: {}", requester, e.getMessage());
                throw e;
            }
            MountRules.Plan plan;
            long at; // the freeze's time, as the marker records it and the watchdog counts from it
            try {
                plan = rules.freezePlan(MountTable.read(paths), mountpoints);
                List<String> planned = names(plan.freeze());
                at = clock.monotonicNanos();
                marker.write(requester, planned, new FrozenMarker.FrozenAt(at, bootId()));
            } catch (AgentException | IOException e) {
                hooks.freezeFailed();
                String msg = e instanceof IOException ? "cannot write the frozen marker " + marker.file() + ": "
                        + e.getMessage() : e.getMessage();
                AUDIT.info("fsfreeze freeze by {} failed: {}", requester, msg);
                throw AgentException.generic(msg, e);
            }
            for (MountRules.Skipped s : plan.skipped()) {
                LOG.debug("not freezing {} ({}): {}", s.mount().mountpoint(), s.mount().fsType(), s.reason());
            }
            if (!plan.unknown().isEmpty()) {
                LOG.warn("freeze by {}: no mounted filesystem at {} (ignored, as qemu-ga)", requester, plan.unknown());
            }
            enterFrozen(requester, at);
            List<String> done = new ArrayList<>();
            for (Mount m : plan.freeze()) {
                String mp = m.mountpoint();
                try {
                    ops.freeze(mp);
                    done.add(mp);
                } catch (FsOpException e) {
                    if (e.kind() == FsOpException.Kind.NOT_SUPPORTED || e.kind() == FsOpException.Kind.ALREADY_FROZEN) {
                        LOG.debug("freeze {}: {} (skipped)", mp, e.getMessage());
                        continue;
                    }
                    String msg = (e.kind() == FsOpException.Kind.CANNOT_OPEN ? "failed to open " : "failed to freeze ")
                            + mp + ": " + e.osText();
                    rollback(done, requester, msg);
                    throw AgentException.generic(msg, e);
                }
            }
            if (done.isEmpty()) {
                state.beginChange();
                try {
                    leaveFrozen();
                    AUDIT.info("fsfreeze freeze by {}: nothing frozen (0 of {} filesystems)", requester,
                            plan.freeze().size());
                } finally {
                    state.endChange();
                }
                runThawHooksLogged();
                return 0;
            }
            frozen = done;
            AUDIT.info("fsfreeze freeze by {}: {} frozen {} in {} ms", requester, done.size(), done,
                    (clock.monotonicNanos() - start) / 1_000_000);
            return done.size();
        }
    }

    @Override
    public int thaw(String requester) throws AgentException {
        synchronized (lock) {
            if (state.peek() == Status.THAWED) {
                return 0;
            }
            List<String> targets = frozen;
            if (targets == null) { // restarted with qemu-ga's empty marker: thaw every candidate
                targets = names(rules.freezePlan(MountTable.read(paths), null).freeze());
            }
            List<String> thawed = new ArrayList<>();
            state.beginChange(); // from the first FITHAW on, readers wait for the whole thaw
            try {
                for (int i = targets.size() - 1; i >= 0; i--) {
                    if (thawFully(targets.get(i))) {
                        thawed.add(targets.get(i));
                    }
                }
                long frozenMs = (clock.monotonicNanos() - frozenAt) / 1_000_000;
                String by = frozenBy;
                leaveFrozen();
                AUDIT.info("fsfreeze thaw by {}: {} thawed {} after {} ms frozen (frozen by {})", requester,
                        thawed.size(), thawed, frozenMs, by);
            } finally {
                state.endChange();
            }
            hooks.thaw();
            return thawed.size();
        }
    }

    /**
     * Start-up with the frozen marker present: a previous instance died while frozen. The state is
     * FROZEN (so QGA accepts only the freeze allow-list), the listeners hold disk writes, and the
     * watchdog thaws if no host does.
     */
    void recoverFromMarker() {
        synchronized (lock) {
            long now = clock.monotonicNanos();
            Optional<FrozenMarker.FrozenAt> at = marker.frozenAt();
            String boot = bootId();
            if (at.isPresent() && !at.get().bootId().isEmpty() && !boot.isEmpty() && !at.get().bootId().equals(boot)) {
                LOG.warn("frozen marker {} is from another boot ({}): a reboot thawed everything; removed",
                        marker.file(), at.get().bootId());
                try {
                    marker.delete();
                } catch (IOException e) {
                    LOG.warn("cannot remove the stale frozen marker {}: {}", marker.file(), e.getMessage());
                }
                return;
            }
            List<String> listed;
            try {
                listed = marker.mountpoints();
            } catch (IOException e) {
                listed = List.of();
            }
            frozen = listed.isEmpty() ? null : listed;
            String by = marker.requester();
            // the window counts from the original freeze when the marker says when it was (same boot)
            long since = at.map(FrozenMarker.FrozenAt::monotonicNanos).filter(t -> t <= now).orElse(now);
            Duration left = watchdog.window().minusNanos(now - since);
            LOG.warn("previous instance appears to have exited with frozen filesystems (frozen by {} {} s ago, marker "
                    + "{}): only the freeze-safe commands are accepted until guest-fsfreeze-thaw; auto-thaw in {}",
                    by, at.isPresent() ? Long.toString((now - since) / 1_000_000_000L) : "?", marker.file(),
                    left.isNegative() ? Duration.ZERO : left);
            frozenBy = by + " (previous instance)";
            frozenAt = since;
            markFrozen(left.isNegative() ? Duration.ZERO : left);
        }
    }

    /** This boot's id (/proc/sys/kernel/random/boot_id), or "" when it cannot be read. */
    private String bootId() {
        String b = bootId;
        if (b == null) {
            try {
                b = Files.readString(paths.proc("sys/kernel/random/boot_id")).trim();
            } catch (IOException | RuntimeException e) {
                b = "";
            }
            bootId = b;
        }
        return b;
    }

    Duration watchdogDelay() {
        return watchdog.lastDelay();
    }

    /** SIGTERM or service stop while frozen: thaw first. */
    void thawForShutdown() {
        if (state.peek() != Status.FROZEN) {
            return;
        }
        try {
            thaw("shutdown");
        } catch (AgentException e) {
            LOG.warn("thaw at shutdown: {}", e.getMessage());
        }
    }

    @Override
    public List<TrimResult> trim(Long minimum) throws AgentException {
        synchronized (lock) {
            if (state.peek() == Status.FROZEN) {
                throw AgentException.generic("filesystems are frozen: guest-fstrim would block");
            }
            long min = minimum == null ? 0 : minimum;
            List<TrimResult> out = new ArrayList<>();
            for (Mount m : rules.trimList(MountTable.read(paths))) {
                String mp = m.mountpoint();
                try {
                    FsOps.Trimmed r = ops.trim(mp, min);
                    out.add(new TrimResult(mp, r.trimmed(), r.minimum(), null));
                } catch (FsOpException e) {
                    String err = switch (e.kind()) {
                        case CANNOT_OPEN -> "failed to open: " + e.osText();
                        case NOT_SUPPORTED -> "trim not supported";
                        default -> "failed to trim: " + e.osText();
                    };
                    out.add(new TrimResult(mp, null, null, err));
                }
            }
            AUDIT.info("fstrim: {} filesystems, minimum {}", out.size(), min);
            return out;
        }
    }

    @Override
    public void close() {
        thawForShutdown();
        watchdog.close();
    }

    private void autoThaw() {
        if (state.peek() != Status.FROZEN) {
            return;
        }
        LOG.warn("no thaw within {} of the freeze by {}: thawing now (auto-thaw watchdog)", watchdog.window(),
                frozenBy);
        try {
            thaw("auto-thaw watchdog");
        } catch (AgentException e) {
            LOG.warn("auto-thaw: {}", e.getMessage());
        }
    }

    private void enterFrozen(String requester, long at) {
        frozenBy = requester;
        frozenAt = at;
        markFrozen(watchdog.window());
    }

    /**
     * The freeze in force recorded (who, since when, until when the auto-thaw fires), the listeners
     * told (the log starts holding its output; the status file shows the freeze), then state FROZEN
     * and the watchdog armed to fire after {@code left}: all while nothing is frozen yet.
     */
    private void markFrozen(Duration left) {
        long window = watchdog.window().toNanos();
        long now = clock.realtimeNanos();
        long since = now - (clock.monotonicNanos() - frozenAt);
        frozenInfo = new Frozen(frozenBy, since, window > 0 ? now + left.toNanos() : -1);
        for (FreezeListener l : listeners) {
            l.beforeFreeze();
        }
        state.set(Status.FROZEN);
        watchdog.arm(this::autoThaw, left);
    }

    /**
     * Back to THAWED: watchdog off, marker removed, listeners released. Called inside a state
     * change, so readers see THAWED only once the caller has finished (audit line included).
     */
    private void leaveFrozen() {
        watchdog.cancel();
        state.set(Status.THAWED);
        frozenInfo = null;
        frozen = List.of();
        try {
            marker.delete();
        } catch (IOException e) {
            LOG.warn("cannot remove the frozen marker {}: {}", marker.file(), e.getMessage());
        }
        for (FreezeListener l : listeners) {
            l.afterThaw();
        }
    }

    private void rollback(List<String> done, String requester, String cause) {
        List<String> undone = new ArrayList<>();
        state.beginChange();
        try {
            for (int i = done.size() - 1; i >= 0; i--) {
                thawFully(done.get(i));
                undone.add(done.get(i));
            }
            leaveFrozen();
            AUDIT.info("fsfreeze freeze by {} failed: {}; rolled back (thawed {})", requester, cause, undone);
        } finally {
            state.endChange();
        }
        hooks.freezeFailed();
    }

    /** FITHAW until NOT_FROZEN (EINVAL); true when the first call thawed something. */
    private boolean thawFully(String mp) {
        boolean any = false;
        for (int i = 0; i < MAX_THAW_REPEAT; i++) {
            try {
                ops.thaw(mp);
                any = true;
            } catch (FsOpException e) {
                if (e.kind() != FsOpException.Kind.NOT_FROZEN) {
                    LOG.warn("thaw {}: {}", mp, e.getMessage());
                }
                return any;
            }
        }
        return any;
    }

    private void runThawHooksLogged() {
        try {
            hooks.thaw();
        } catch (AgentException e) {
            LOG.warn("thaw hook after an empty freeze: {}", e.getMessage());
        }
    }

    private static List<String> names(List<Mount> mounts) {
        List<String> out = new ArrayList<>(mounts.size());
        for (Mount m : mounts) {
            out.add(m.mountpoint());
        }
        return out;
    }
}
