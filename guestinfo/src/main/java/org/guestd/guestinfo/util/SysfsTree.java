// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A sysfs root (the live {@code /sys} or a fixture tree) seen through kernel paths. qemu-ga
 * matches strings such as {@code "/devices/pci"} or {@code "/target"} against real paths; to keep
 * those matches independent of where a fixture lives, collectors work on the <em>kernel view</em>
 * ({@code "/sys/devices/…"}) and map it to the host path only to touch files.
 */
public final class SysfsTree {
    /** Where sysfs is mounted in the kernel's view; the prefix of every kernel path. */
    public static final String MOUNT = "/sys";

    private final Path root;

    public SysfsTree(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** The host path of a kernel path ({@code "/sys/block/vda"} → {@code <root>/block/vda}). */
    public Path host(String kernelPath) {
        if (kernelPath.equals(MOUNT)) {
            return root;
        }
        if (kernelPath.startsWith(MOUNT + "/")) {
            return root.resolve(kernelPath.substring(MOUNT.length() + 1));
        }
        return Path.of(kernelPath);
    }

    /** The kernel path of a host path under the root; other paths are returned as they are. */
    public String kernel(Path hostPath) {
        Path abs = hostPath.toAbsolutePath().normalize();
        Path r = root.toAbsolutePath().normalize();
        if (abs.equals(r)) {
            return MOUNT;
        }
        if (abs.startsWith(r)) {
            return MOUNT + "/" + r.relativize(abs).toString();
        }
        try {
            Path realRoot = root.toRealPath();
            if (abs.startsWith(realRoot)) {
                return abs.equals(realRoot) ? MOUNT : MOUNT + "/" + realRoot.relativize(abs);
            }
        } catch (IOException e) {
            // fall through
        }
        return abs.toString();
    }

    /** {@code realpath(3)} of a kernel path, as a kernel path. */
    public String realpath(String kernelPath) throws IOException {
        return kernel(host(kernelPath).toRealPath());
    }

    /** The target of a symlink (as {@code readlink(2)}), or null when it is not a link. */
    public String readlink(String kernelPath) {
        Path p = host(kernelPath);
        if (!Files.isSymbolicLink(p)) {
            return null;
        }
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (IOException e) {
            return null;
        }
    }

    public boolean exists(String kernelPath) {
        return Files.exists(host(kernelPath), LinkOption.NOFOLLOW_LINKS);
    }

    /** A small attribute file's text, or null when it cannot be read. */
    public String readAttribute(String kernelPath) {
        try {
            return Files.readString(host(kernelPath), StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The names in a directory in sysfs readdir order ({@link KernfsOrder}), without "." and "..".
     *
     * @throws IOException when the directory cannot be opened
     */
    public List<String> list(String kernelPath) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(host(kernelPath))) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        }
        names.sort(KernfsOrder.COMPARATOR);
        return names;
    }

    /** Whether the entry is a symlink (readdir's {@code DT_LNK}). */
    public boolean isSymlink(String kernelPath) {
        return Files.isSymbolicLink(host(kernelPath));
    }

    /** Last path component, like {@code g_path_get_basename}. */
    public static String basename(String path) {
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        int i = p.lastIndexOf('/');
        return i < 0 || p.length() == 1 ? p : p.substring(i + 1);
    }
}
