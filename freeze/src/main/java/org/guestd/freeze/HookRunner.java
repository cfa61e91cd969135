// SPDX-License-Identifier: Apache-2.0
package org.guestd.freeze;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.guestd.core.AgentException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the freeze hooks, with two contracts:
 *
 * <ul>
 *   <li><b>qemu-ga's {@code -F/--fsfreeze-hook [PATH]}</b> (default {@code /etc/qemu/fsfreeze-hook},
 *       only when configured): run as {@code PATH freeze} before freezing and {@code PATH thaw}
 *       after thawing — also after a failed freeze, where qemu-ga thaws; never {@code freezefail}.
 *       Must be executable ({@code can't access fsfreeze hook 'P': …}); a non-zero exit is
 *       {@code fsfreeze hook has failed with status N}, also on thaw (qemu-ga reports it).</li>
 *   <li><b>the hook directory</b> ({@code /etc/guestd/freeze-hook.d}, open-vm-tools' backupScripts.d
 *       semantics): every executable file, in name order, with {@code freeze}; in reverse order with
 *       {@code thaw}; when a freeze fails, each hook that was already given {@code freeze} (the
 *       failing one included, so that it can release what it took) gets {@code freezefail}, in
 *       reverse order. A failing thaw or freezefail hook is logged, never fatal.</li>
 * </ul>
 *
 * <p>Order: the qemu-ga hook first on freeze, last on thaw. Every hook runs with stdin, stdout and
 * stderr on /dev/null (qemu-ga), and is killed with its descendants when it runs longer than the
 * timeout (qemu-ga has none: an endless hook there hangs the agent forever).
 */
final class HookRunner {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.freeze");

    private final Path qemuHook;
    private final Path hookDir;
    private final Duration timeout;
    /** Dir hooks that were given {@code freeze} in the current cycle, in run order. */
    private final List<Path> started = new ArrayList<>();
    private boolean qemuHookFroze;

    /**
     * @param qemuHook the {@code -F} script, or null when not configured
     * @param hookDir the hook directory (a missing directory means no hooks)
     */
    HookRunner(Path qemuHook, Path hookDir, Duration timeout) {
        this.qemuHook = qemuHook;
        this.hookDir = hookDir;
        this.timeout = timeout;
    }

    /**
     * Runs every hook with {@code freeze}. On failure the hooks that ran are told (freezefail /
     * thaw) before the error is thrown.
     */
    void freeze() throws AgentException {
        started.clear();
        qemuHookFroze = false;
        if (qemuHook != null) {
            checkQemuHook();
            int rc = run(qemuHook, "freeze");
            if (rc != 0) {
                throw AgentException.generic("fsfreeze hook has failed with status " + rc);
            }
            qemuHookFroze = true;
        }
        for (Path h : dirHooks()) {
            started.add(h);
            int rc;
            try {
                rc = run(h, "freeze");
            } catch (AgentException e) {
                freezeFailed();
                throw e;
            }
            if (rc != 0) {
                freezeFailed();
                throw AgentException.generic("freeze hook " + h + " has failed with status " + rc
                        + ": freeze aborted");
            }
        }
    }

    /** The freeze failed after {@link #freeze} succeeded (or partly ran): freezefail / thaw. */
    void freezeFailed() {
        for (int i = started.size() - 1; i >= 0; i--) {
            runLogged(started.get(i), "freezefail");
        }
        started.clear();
        if (qemuHookFroze) {
            qemuHookFroze = false;
            runLogged(qemuHook, "thaw");
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
            runLogged(hooks.get(i), "thaw");
        }
        if (qemuHook != null) {
            checkQemuHook();
            int rc = run(qemuHook, "thaw");
            if (rc != 0) {
                throw AgentException.generic("fsfreeze hook has failed with status " + rc);
            }
        }
    }

    private void checkQemuHook() throws AgentException {
        if (!Files.exists(qemuHook)) {
            throw AgentException.generic("can't access fsfreeze hook '" + qemuHook + "': No such file or directory");
        }
        if (!Files.isExecutable(qemuHook)) {
            throw AgentException.generic("can't access fsfreeze hook '" + qemuHook + "': Permission denied");
        }
    }

    private void runLogged(Path hook, String arg) {
        try {
            int rc = run(hook, arg);
            if (rc != 0) {
                LOG.warn("hook {} {} failed with status {}", hook, arg, rc);
            }
        } catch (AgentException e) {
            LOG.warn("hook {} {}: {}", hook, arg, e.getMessage());
        }
    }

    /** Executable regular files of the hook dir in name order; hidden and backup files are left out. */
    List<Path> dirHooks() {
        List<Path> out = new ArrayList<>();
        if (hookDir == null || !Files.isDirectory(hookDir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(hookDir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.startsWith(".") || n.endsWith("~") || n.contains(".dpkg-") || n.endsWith(".rpmnew")
                        || n.endsWith(".rpmsave") || n.endsWith(".disabled")) {
                    continue;
                }
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list hook dir {}: {}", hookDir, e.getMessage());
        }
        out.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        return out;
    }

    /** Runs {@code hook arg}; returns the exit status; throws when it cannot start or times out. */
    private int run(Path hook, String arg) throws AgentException {
        LOG.debug("running hook {} {}", hook, arg);
        ProcessBuilder pb = new ProcessBuilder(hook.toString(), arg);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw AgentException.generic("cannot run hook " + hook + " " + arg + ": " + e.getMessage(), e);
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                throw AgentException.generic("hook " + hook + " " + arg + " timed out after "
                        + timeout.toMillis() + " ms and was killed");
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw AgentException.generic("interrupted while running hook " + hook, e);
        }
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
