// SPDX-License-Identifier: Apache-2.0
package org.guestd.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Where a received file may go. The host names a directory and a file name; the file must land in
 * that directory: the name is one plain path component (no {@code /}, not {@code .} or {@code ..}),
 * the directory is absolute without {@code ..} components, and the directory, symlinks resolved,
 * lies under the configured root ({@code /}: anywhere, as hv_fcopy_daemon). The file itself is
 * never a followed symlink, and never anything but a regular file.
 */
final class TargetPath {
    private final Path root;

    /** @param root the directory every target must be inside ({@code /} for anywhere) */
    TargetPath(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    /**
     * The target file for {@code dir}/{@code name}, checked lexically (the directory may not exist yet).
     *
     * @throws IOException naming what is refused
     */
    Path resolve(String dir, String name) throws IOException {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IOException("file name '" + name + "' is not a plain name");
        }
        if (!dir.startsWith("/")) {
            throw new IOException("directory '" + dir + "' is not absolute");
        }
        for (String part : dir.split("/")) {
            if (part.equals("..")) {
                throw new IOException("directory '" + dir + "' contains '..'");
            }
        }
        Path d = Path.of(dir).normalize();
        if (!d.startsWith(root)) {
            throw new IOException("directory '" + dir + "' is outside " + root);
        }
        return d.resolve(name);
    }

    /** After the directories exist: the real directory (symlinks resolved) must still be under the real root. */
    void checkReal(Path file) throws IOException {
        Path realDir = file.getParent().toRealPath();
        Path realRoot = root.toRealPath();
        if (!realDir.startsWith(realRoot)) {
            throw new IOException("directory " + file.getParent() + " resolves to " + realDir + ", outside " + root);
        }
        if (Files.isSymbolicLink(file)) {
            throw new IOException(file + " is a symbolic link");
        }
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(file + " is not a regular file");
        }
    }
}
