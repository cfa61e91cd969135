// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.env;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the guest's kernel and system files are read from. In production every root is the real
 * one ({@code /proc}, {@code /sys}, {@code /etc}, {@code /run}, {@code /dev}); tests point them at a
 * fixture tree so no test reads the live machine (OSHI {@code ProcPath}).
 *
 * @param proc the procfs root ({@code /proc})
 * @param sys the sysfs root ({@code /sys})
 * @param etc configuration files such as {@code os-release}, {@code localtime}
 * @param run runtime files such as {@code utmp}
 * @param dev device nodes
 */
public record HostPaths(Path proc, Path sys, Path etc, Path run, Path dev) {
    public HostPaths {
        Objects.requireNonNull(proc, "proc");
        Objects.requireNonNull(sys, "sys");
        Objects.requireNonNull(etc, "etc");
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(dev, "dev");
    }

    /** The live machine's paths. */
    public static HostPaths system() {
        return under(Path.of("/"));
    }

    /** All roots under one directory, as in a fixture tree: {@code root/proc}, {@code root/sys}, … */
    public static HostPaths under(Path root) {
        return new HostPaths(root.resolve("proc"), root.resolve("sys"), root.resolve("etc"),
                root.resolve("run"), root.resolve("dev"));
    }

    public Path proc(String relative) {
        return proc.resolve(relative);
    }

    public Path sys(String relative) {
        return sys.resolve(relative);
    }

    public Path etc(String relative) {
        return etc.resolve(relative);
    }

    public Path run(String relative) {
        return run.resolve(relative);
    }

    public HostPaths withProc(Path p) {
        return new HostPaths(p, sys, etc, run, dev);
    }

    public HostPaths withSys(Path p) {
        return new HostPaths(proc, p, etc, run, dev);
    }

    public HostPaths withEtc(Path p) {
        return new HostPaths(proc, sys, p, run, dev);
    }

    public HostPaths withRun(Path p) {
        return new HostPaths(proc, sys, etc, p, dev);
    }
}
