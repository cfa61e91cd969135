// SPDX-License-Identifier: Apache-2.0
package org.guestd.os;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.env.CommandTimeoutException;
import org.guestd.jna.linux.Errno;
import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.PosixFiles;
import org.slf4j.Logger;

/**
 * guestd's one way to run hook scripts, over the injected {@link CommandRunner} (so tests run no
 * real script unless they mean to): freeze's hooks (its hook directory and qemu-ga's {@code -F}
 * script), shutdown's pre-action hooks, and the coming Azure and time-sync hooks.
 *
 * <ul>
 *   <li><b>A hook directory</b> ({@link #list}): every executable regular file, in name order;
 *       hidden files and package-manager or editor leftovers ({@code ~}, {@code .dpkg-*},
 *       {@code .rpmnew}, {@code .rpmsave}, {@code .disabled}) are never run. A missing directory
 *       means no hooks.</li>
 *   <li><b>One run</b> ({@link #run}): {@code HOOK ARG}, stdin on /dev/null, output captured (a
 *       failing hook's stderr goes to the log), killed with its descendants when it runs longer
 *       than the timeout; a hook's background child does not hold the caller. A hook that cannot
 *       start or times out is an {@link AgentException} in guestd's words
 *       ({@code cannot run hook P ARG: …}, {@code hook P ARG timed out after N ms and was killed});
 *       a non-zero exit is a result, which the caller judges.</li>
 *   <li><b>qemu-ga's script contract</b> ({@link #accessError}, for {@code -F/--fsfreeze-hook}):
 *       before each run qemu-ga checks {@code access(script, X_OK)} and reports the failure with
 *       the OS's text ({@code can't access fsfreeze hook 'P': No such file or directory}); the
 *       caller words the message, this gives the text of the real errno.</li>
 * </ul>
 */
public final class HookRunner {
    private final CommandRunner runner;
    private final Duration timeout;
    private final Logger log;

    /** What one run gave: the exit status and the hook's standard error. */
    public record Outcome(int exitCode, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /**
     * @param runner runs the hooks
     * @param timeout the limit of one run
     * @param log where the caller's hook lines go (the feature's logger)
     */
    public HookRunner(CommandRunner runner, Duration timeout, Logger log) {
        this.runner = runner;
        this.timeout = timeout;
        this.log = log;
    }

    public Duration timeout() {
        return timeout;
    }

    /** The hooks of {@code dir} in run order (empty when {@code dir} is null, missing or unreadable). */
    public List<Path> list(Path dir) {
        List<Path> out = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (isHookName(p.getFileName().toString()) && Files.isRegularFile(p) && Files.isExecutable(p)) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            log.warn("cannot list hook directory {}: {}", dir, Errno.describe(e));
        }
        out.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }

    /** Whether a file of this name in a hook directory is a hook (not hidden, not a leftover). */
    static boolean isHookName(String n) {
        return !n.startsWith(".") && !n.endsWith("~") && !n.contains(".dpkg-") && !n.endsWith(".rpmnew")
                && !n.endsWith(".rpmsave") && !n.endsWith(".disabled");
    }

    /**
     * qemu-ga's {@code access(script, X_OK)}: empty when the script can be run, else the OS's text
     * for why not (e.g. {@code "No such file or directory"}, {@code "Permission denied"}).
     */
    public static Optional<String> accessError(Path script) {
        // access(2) itself, not the JDK's checkAccess: the JDK maps some errnos to exception types
        // whose text differs from strerror's (JDK 25 reports ENOTDIR as NoSuchFileException)
        try {
            PosixFiles.access(script.toString(), PosixFiles.X_OK);
            return Optional.empty();
        } catch (NativeException e) {
            return Optional.of(e.errnoText());
        }
    }

    /**
     * Runs {@code hook arg} to its end.
     *
     * @throws AgentException when it cannot start or runs longer than the timeout (then it is killed)
     */
    public Outcome run(Path hook, String arg) throws AgentException {
        log.debug("running hook {} {}", hook, arg);
        CommandRunner.CommandResult r;
        try {
            r = runner.run(List.of(hook.toString(), arg), null, timeout);
        } catch (CommandTimeoutException e) {
            throw AgentException.generic("hook " + hook + " " + arg + " timed out after " + timeout.toMillis()
                    + " ms and was killed", e);
        } catch (AgentException e) {
            String why = e.getCause() instanceof IOException io ? io.getMessage() : e.getMessage();
            throw AgentException.generic("cannot run hook " + hook + " " + arg + ": " + why, e);
        }
        return new Outcome(r.exitCode(), r.stderrText().strip());
    }

    /** Runs {@code hook arg}; a failure is logged, never thrown. True when it exited 0. */
    public boolean runLogged(Path hook, String arg) {
        try {
            Outcome o = run(hook, arg);
            if (!o.ok()) {
                log.warn("hook {} {} exited with status {}{}", hook, arg, o.exitCode(),
                        o.stderr().isEmpty() ? "" : ": " + o.stderr());
            }
            return o.ok();
        } catch (AgentException e) {
            log.warn("{}", e.getMessage());
            return false;
        }
    }

    /**
     * Runs every hook with {@code arg}, in the order given, each logged on failure; none stops the
     * others.
     *
     * @return a summary for an audit record: {@code "none"} or e.g. {@code "2 ok, 1 failed"}
     */
    public String runAll(List<Path> hooks, String arg) {
        if (hooks.isEmpty()) {
            return "none";
        }
        int ok = 0;
        for (Path h : hooks) {
            if (runLogged(h, arg)) {
                ok++;
            }
        }
        return ok + " ok, " + (hooks.size() - ok) + " failed";
    }
}
