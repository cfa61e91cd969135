// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The root of the file system provisioning writes: {@code /} in the agent, a fixture directory in
 * tests (the programs it runs then go to a recording {@code CommandRunner}, so a test never changes
 * the machine it runs on).
 *
 * @param root the directory that stands for {@code /}
 */
public record SystemRoot(Path root) {
    public SystemRoot {
        Objects.requireNonNull(root, "root");
    }

    /** The machine's own root. */
    public static SystemRoot system() {
        return new SystemRoot(Path.of("/"));
    }

    /** {@code absolute} (e.g. "/etc/passwd") under this root. */
    public Path path(String absolute) {
        if (!absolute.startsWith("/")) {
            throw new IllegalArgumentException("not absolute: " + absolute);
        }
        return root.resolve(absolute.substring(1));
    }

    /** A path as the system sees it ({@code /home/u}) under this root. */
    public Path path(Path absolute) {
        return path(absolute.toString());
    }

    /** The absolute system path of {@code p}, a path under this root. */
    public Path systemPath(Path p) {
        return Path.of("/").resolve(root.relativize(p));
    }
}
