// SPDX-License-Identifier: Apache-2.0
package org.guestd.accounts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;

/**
 * The file steps of a user's key file, one implementation for every caller: qemu-ga's
 * commands-posix-ssh.c semantics (QGA) and provisioning's key installation build on them.
 *
 * <ul>
 *   <li>A key is checked as qemu-ga does: no {@code #} first, no newline.
 *   <li>The file is read without following a symbolic link at its name ({@code O_NOFOLLOW}), and
 *       nothing is read or written through a {@code ~/.ssh} that is a link: the user owns those
 *       names and could point them at {@code /etc/shadow} or {@code /root/.ssh}.
 *   <li>The file is replaced whole: a temporary file beside it ({@code NAME.guestd-tmp}, created
 *       new with mode 0600), owned by the user and set 0600, then renamed over the old name (a link
 *       there is replaced, never followed). Readers see the old or the new file, never a part, and
 *       never the new one with root's owner.
 *   <li>A missing directory is created 0700 and owned by the user.
 * </ul>
 * Failures carry qemu-ga's texts (GLib's, rebuilt by {@link GlibFileError}).
 */
final class AuthorizedKeys {
    /** The suffix of the temporary file a key file is written through. */
    static final String TMP_SUFFIX = GlibFileError.TMP_SUFFIX;

    private AuthorizedKeys() {}

    static Path sshDir(Path home) {
        return home.resolve(".ssh");
    }

    /** {@code check_openssh_pub_keys}. */
    static void check(List<String> keys) throws AccountException {
        for (String k : keys) {
            if (k.startsWith("#") || k.indexOf('\n') >= 0) {
                throw new AccountException(AccountException.Kind.INVALID_KEY, "invalid OpenSSH public key: '" + k + "'");
            }
        }
    }

    /** Fails when {@code p} is a symbolic link (a name the user controls must not redirect root). */
    static void refuseLink(Path p) throws AccountException {
        if (Files.isSymbolicLink(p)) {
            throw new AccountException(AccountException.Kind.IO, "'" + p + "' is a symbolic link; not followed");
        }
    }

    /** {@code read_authkeys}: the text split on {@code \n} (a final newline gives a last empty element). */
    static List<String> read(Path path) throws AccountException {
        refuseLink(path.getParent());
        try {
            return new ArrayList<>(Arrays.asList(readText(path).split("\n", -1)));
        } catch (IOException e) {
            throw io("failed to read '" + path + "': " + GlibFileError.describe(path, e, true), e);
        }
    }

    /** The file as strict UTF-8, opened {@code O_NOFOLLOW}. */
    static String readText(Path path) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
            bytes = in.readAllBytes();
        }
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    }

    /**
     * {@code mkdir_for_user}: creates {@code dir} owned by the user with mode 0700. With {@code
     * repair} an existing directory gets that owner and mode too (provisioning); either way a link
     * is refused.
     */
    static void directoryForUser(Path dir, User u, boolean repair) throws AccountException {
        refuseLink(dir);
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            if (!repair) {
                return;
            }
        } else {
            try {
                Files.createDirectory(dir);
            } catch (IOException e) {
                throw io("failed to create directory '" + dir + "': " + GlibFileError.errnoText(e), e);
            }
        }
        try {
            chown(dir, u);
        } catch (IOException e) {
            throw io("failed to set ownership of directory '" + dir + "': " + GlibFileError.errnoText(e), e);
        }
        try {
            chmod(dir, "rwx------");
        } catch (IOException e) {
            throw io("failed to set permissions of directory '" + dir + "': " + GlibFileError.errnoText(e), e);
        }
    }

    /** {@code write_authkeys}: replaces {@code path} with {@code contents}, owned by the user, 0600. */
    static void replace(Path path, String contents, User u) throws AccountException {
        refuseLink(path.getParent());
        Path tmp = path.resolveSibling(path.getFileName() + TMP_SUFFIX);
        try {
            try {
                Files.deleteIfExists(tmp); // a leftover of an interrupted write (a link is removed, not followed)
                try (FileChannel ch = FileChannel.open(tmp, EnumSet.of(StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rw-------")))) {
                    ByteBuffer bb = StandardCharsets.UTF_8.encode(contents);
                    while (bb.hasRemaining()) {
                        ch.write(bb);
                    }
                }
            } catch (IOException e) {
                throw io("failed to write to '" + path + "': " + GlibFileError.describe(path, e, false), e);
            }
            try {
                chown(tmp, u);
            } catch (IOException e) {
                // (sic) qemu-ga says "directory" here too
                throw io("failed to set ownership of directory '" + path + "': " + GlibFileError.errnoText(e), e);
            }
            try {
                chmod(tmp, "rw-------");
            } catch (IOException e) {
                throw io("failed to set permissions of '" + path + "': " + GlibFileError.errnoText(e), e);
            }
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw io("failed to write to '" + path + "': " + GlibFileError.describe(path, e, false), e);
            }
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort: the next write removes it
            }
        }
    }

    /** Whether {@code path} is a regular file owned by the user with mode 0600 (not following a link). */
    static boolean ownedAndPrivate(Path path, User u) {
        try {
            return Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
                    && ((Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS)) == u.uid()
                    && ((Integer) Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS)) == u.gid()
                    && Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS)
                            .equals(PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static AccountException io(String message, IOException cause) {
        return new AccountException(AccountException.Kind.IO, message, cause);
    }

    /** chmod without following a link (fchmod on an O_NOFOLLOW descriptor): the directory is the user's. */
    private static void chmod(Path p, String perms) throws IOException {
        Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setPermissions(PosixFilePermissions.fromString(perms));
    }

    private static void chown(Path p, User u) throws IOException {
        Files.setAttribute(p, "unix:uid", u.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", u.gid(), LinkOption.NOFOLLOW_LINKS);
    }
}
