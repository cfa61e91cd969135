// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * File writes for provisioning: whole-file replacement through a temporary file in the same
 * directory (readers see the old or the new file, never a part), exact modes and numeric owners,
 * and never through a symbolic link (a link planted where a key file goes must not redirect the
 * write to /etc/shadow).
 */
final class SafeFiles {
    private SafeFiles() {}

    /** Replaces {@code target} with {@code content}, mode {@code mode}, owner uid:gid (null: keep root's). */
    static void write(Path target, byte[] content, int mode, Integer uid, Integer gid) throws IOException {
        Path dir = target.getParent();
        refuseLink(target);
        Path tmp = dir.resolve("." + target.getFileName() + ".guestd-tmp");
        Files.deleteIfExists(tmp);
        try (FileChannel ch = FileChannel.open(tmp, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(perms(0600)))) {
            ByteBuffer bb = ByteBuffer.wrap(content);
            while (bb.hasRemaining()) {
                ch.write(bb);
            }
            ch.force(true);
        }
        try {
            own(tmp, uid, gid);
            Files.setPosixFilePermissions(tmp, perms(mode));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Creates {@code dir} (one level) if missing, with {@code mode} and owner; refuses a link. */
    static void directory(Path dir, int mode, Integer uid, Integer gid) throws IOException {
        refuseLink(dir);
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(perms(mode)));
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(dir + " exists and is not a directory");
            }
        }
        own(dir, uid, gid);
        Files.setPosixFilePermissions(dir, perms(mode));
    }

    /** Fails when {@code p} is a symbolic link. */
    static void refuseLink(Path p) throws IOException {
        if (Files.isSymbolicLink(p)) {
            throw new IOException(p + " is a symbolic link; not followed");
        }
    }

    private static void own(Path p, Integer uid, Integer gid) throws IOException {
        if (uid != null) {
            Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        }
        if (gid != null) {
            Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        }
    }

    /** Permission bits of an octal mode. */
    static Set<PosixFilePermission> perms(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE,
        };
        for (int i = 0; i < 9; i++) {
            if ((mode & (0400 >> i)) != 0) {
                s.add(order[i]);
            }
        }
        return s;
    }
}
