// SPDX-License-Identifier: Apache-2.0
package org.guestd.shutdown;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.guestd.core.AgentException;
import org.guestd.core.env.CommandRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the pre-action hooks: every executable regular file of the hook directory, in name order,
 * as {@code HOOK ACTION} (e.g. {@code 50-flush reboot}), each limited to the hook timeout. A hook
 * that fails or times out is logged and the action still happens: a broken script must not make a
 * guest impossible to shut down from the host.
 */
final class HookRunner {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.shutdown");

    private final Path dir;
    private final Duration timeout;
    private final CommandRunner runner;

    HookRunner(Path dir, Duration timeout, CommandRunner runner) {
        this.dir = dir;
        this.timeout = timeout;
        this.runner = runner;
    }

    /** The hooks that would run, in order (empty without a hook directory or when it is missing). */
    List<Path> hooks() {
        List<Path> out = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (!n.startsWith(".") && Files.isRegularFile(p) && Files.isExecutable(p)) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list hook directory {}: {}", dir, e.getMessage());
        }
        out.sort(null);
        return out;
    }

    /**
     * Runs every hook with {@code action}.
     *
     * @return a summary for the audit record: {@code "none"} or e.g. {@code "2 ok, 1 failed"}
     */
    String run(String action) {
        List<Path> hooks = hooks();
        if (hooks.isEmpty()) {
            return "none";
        }
        int ok = 0;
        int failed = 0;
        for (Path h : hooks) {
            try {
                CommandRunner.CommandResult r = runner.run(List.of(h.toString(), action), null, timeout);
                if (r.ok()) {
                    ok++;
                } else {
                    failed++;
                    LOG.warn("hook {} {} exited with status {}: {}", h, action, r.exitCode(), r.stderrText().strip());
                }
            } catch (AgentException e) {
                failed++;
                LOG.warn("hook {} {} failed: {}", h, action, e.getMessage());
            }
        }
        return ok + " ok, " + failed + " failed";
    }
}
