// SPDX-License-Identifier: Apache-2.0
package org.guestd.freeze;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.os.HookRunner;

/**
 * The freeze hooks' cycle, run through native's shared {@link HookRunner} (hook directory rules,
 * per-run timeout that kills the hook and its descendants, stdin on /dev/null), with two
 * contracts:
 *
 * <ul>
 *   <li><b>qemu-ga's {@code -F/--fsfreeze-hook [PATH]}</b> (default {@code /etc/qemu/fsfreeze-hook},
 *       only when configured): run as {@code PATH freeze} before freezing and {@code PATH thaw}
 *       after thawing — also after a failed freeze, where qemu-ga thaws; never {@code freezefail}.
 *       Checked with {@code access(X_OK)} before each run ({@code can't access fsfreeze hook 'P':
 *       <strerror>}); a non-zero exit is {@code fsfreeze hook has failed with status N}, also on
 *       thaw (qemu-ga reports it).</li>
 *   <li><b>the hook directory</b> ({@code /etc/guestd/freeze-hook.d}, open-vm-tools' backupScripts.d
 *       semantics): every hook, in name order, with {@code freeze}; in reverse order with
 *       {@code thaw}; when a freeze fails, each hook that was already given {@code freeze} (the
 *       failing one included, so that it can release what it took) gets {@code freezefail}, in
 *       reverse order. A failing thaw or freezefail hook is logged, never fatal.</li>
 * </ul>
 *
 * <p>Order: the qemu-ga hook first on freeze, last on thaw. A hook longer than the timeout is
 * killed (qemu-ga has none: an endless hook there hangs the agent forever).
 */
final class FreezeHooks {
    private final HookRunner runner;
    private final Path qemuHook;
    private final Path hookDir;
    /** Dir hooks that were given {@code freeze} in the current cycle, in run order. */
    private final List<Path> started = new ArrayList<>();
    private boolean qemuHookFroze;

    /**
     * @param runner runs one hook (its timeout is the per-hook limit)
     * @param qemuHook the {@code -F} script, or null when not configured
     * @param hookDir the hook directory (a missing directory means no hooks)
     */
    FreezeHooks(HookRunner runner, Path qemuHook, Path hookDir) {
        this.runner = runner;
        this.qemuHook = qemuHook;
        this.hookDir = hookDir;
    }

    /**
     * Runs every hook with {@code freeze}. On failure the hooks that ran are told (freezefail /
     * thaw) before the error is thrown.
     */
    void freeze() throws AgentException {
        started.clear();
        qemuHookFroze = false;
        if (qemuHook != null) {
            runQemuHook("freeze");
            qemuHookFroze = true;
        }
        for (Path h : dirHooks()) {
            started.add(h);
            HookRunner.Outcome o;
            try {
                o = runner.run(h, "freeze");
            } catch (AgentException e) {
                freezeFailed();
                throw e;
            }
            if (!o.ok()) {
                freezeFailed();
                throw AgentException.generic("freeze hook " + h + " has failed with status " + o.exitCode()
                        + ": freeze aborted");
            }
        }
    }

    /** The freeze failed after {@link #freeze} succeeded (or partly ran): freezefail / thaw. */
    void freezeFailed() {
        for (int i = started.size() - 1; i >= 0; i--) {
            runner.runLogged(started.get(i), "freezefail");
        }
        started.clear();
        if (qemuHookFroze) {
            qemuHookFroze = false;
            runner.runLogged(qemuHook, "thaw");
        }
    }

    /**
     * Runs the hooks with {@code thaw}: the directory in reverse name order, then the qemu-ga hook.
     *
     * @throws AgentException qemu-ga's error when its hook fails (the filesystems are thawed anyway)
     */
    void thaw() throws AgentException {
        started.clear();
        qemuHookFroze = false;
        List<Path> hooks = dirHooks();
        for (int i = hooks.size() - 1; i >= 0; i--) {
            runner.runLogged(hooks.get(i), "thaw");
        }
        if (qemuHook != null) {
            runQemuHook("thaw");
        }
    }

    /** The directory's hooks in name order. */
    List<Path> dirHooks() {
        return runner.list(hookDir);
    }

    /** qemu-ga's {@code execute_fsfreeze_hook}: access check, run, status. */
    private void runQemuHook(String arg) throws AgentException {
        Optional<String> denied = HookRunner.accessError(qemuHook);
        if (denied.isPresent()) {
            throw AgentException.generic("can't access fsfreeze hook '" + qemuHook + "': " + denied.get());
        }
        HookRunner.Outcome o = runner.run(qemuHook, arg);
        if (!o.ok()) {
            throw AgentException.generic("fsfreeze hook has failed with status " + o.exitCode());
        }
    }
}
