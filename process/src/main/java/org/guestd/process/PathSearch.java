// SPDX-License-Identifier: Apache-2.0
package org.guestd.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * GLib's {@code G_SPAWN_SEARCH_PATH | G_SPAWN_SEARCH_PATH_FROM_ENVP}: a program name without a
 * slash is looked up in the {@code PATH} of the child's environment when it has one, else in the
 * agent's, else in {@code /bin:/usr/bin:.}. A candidate that exists but cannot be executed is
 * skipped and turns the final error into EACCES, as glib's exec loop does.
 */
final class PathSearch {
    static final int ENOENT = 2;
    static final int EACCES = 13;

    /** The program to spawn, or the errno glib would report. */
    record Result(String path, int errno) {}

    private PathSearch() {}

    static Result resolve(String program, List<String> envp, String agentPath) {
        if (program.contains("/")) {
            return new Result(program, 0);
        }
        if (program.isEmpty()) {
            return new Result(null, ENOENT);
        }
        String search = null;
        if (envp != null) {
            for (String e : envp) {
                if (e.startsWith("PATH=")) {
                    search = e.substring(5);
                    break;
                }
            }
        }
        if (search == null) {
            search = agentPath;
        }
        if (search == null) {
            search = "/bin:/usr/bin:.";
        }
        boolean denied = false;
        for (String dir : search.split(":", -1)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir).resolve(program);
            if (!Files.exists(candidate)) {
                continue;
            }
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return new Result(dir.isEmpty() ? "./" + program : candidate.toString(), 0);
            }
            denied = true;
        }
        return new Result(null, denied ? EACCES : ENOENT);
    }
}
