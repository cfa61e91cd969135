// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.guestd.core.env.HostPaths;

/**
 * Builds a fake guest file tree ({@code proc/}, {@code sys/}, {@code etc/}, {@code run/},
 * {@code dev/}) under a temp directory, from text blocks, so collectors are tested without
 * reading the live machine (OSHI's {@code @TempDir} + text-block tests).
 */
public final class FixtureTree {
    private final Path root;

    public FixtureTree(Path root) {
        this.root = root;
        for (String d : new String[] {"proc", "sys", "etc", "run", "dev"}) {
            mkdirs(d);
        }
    }

    public Path root() {
        return root;
    }

    public HostPaths paths() {
        return HostPaths.under(root);
    }

    /** Writes {@code relative} (e.g. "proc/net/dev") with {@code text}, creating parents. */
    public FixtureTree file(String relative, String text) {
        return bytes(relative, text.getBytes(StandardCharsets.UTF_8));
    }

    public FixtureTree bytes(String relative, byte[] data) {
        Path p = root.resolve(relative);
        try {
            Files.createDirectories(p.getParent());
            Files.write(p, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public FixtureTree mkdirs(String relative) {
        try {
            Files.createDirectories(root.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Creates a symlink {@code relative} → {@code target} (target as given, may be relative). */
    public FixtureTree symlink(String relative, String target) {
        Path p = root.resolve(relative);
        try {
            Files.createDirectories(p.getParent());
            Files.createSymbolicLink(p, Path.of(target));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
