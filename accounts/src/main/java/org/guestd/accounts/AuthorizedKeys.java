// SPDX-License-Identifier: Apache-2.0
package org.guestd.accounts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.guestd.core.env.SetContents;

/**
 * {@code ~/.ssh/authorized_keys} handled as qemu-ga's commands-posix-ssh.c does: keys are
 * checked (no {@code #} first, no newline), the file is read and split on {@code \n}, written
 * back joined with {@code \n} (no final newline) through a temporary file and a rename, then
 * owned by the user and set to 0600; a missing {@code ~/.ssh} is created 0700 and owned by the user.
 */
final class AuthorizedKeys {
    private AuthorizedKeys() {}

    static Path sshDir(User u) {
        return u.home().resolve(".ssh");
    }

    static Path file(User u) {
        return sshDir(u).resolve("authorized_keys");
    }

    /** {@code check_openssh_pub_keys}. */
    static void check(List<String> keys) throws AccountException {
        for (String k : keys) {
            if (k.startsWith("#") || k.indexOf('\n') >= 0) {
                throw new AccountException(AccountException.Kind.INVALID_KEY, "invalid OpenSSH public key: '" + k + "'");
            }
        }
    }

    /** {@code read_authkeys}: the lines, or "failed to read 'PATH': …" in GLib's words. */
    static List<String> read(Path path) throws AccountException {
        try {
            String text = Files.readString(path, StandardCharsets.UTF_8);
            return new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        } catch (IOException e) {
            throw io("failed to read '" + path + "': " + GlibFileError.describe(path, e, true), e);
        }
    }

    /** {@code mkdir_for_user}. */
    static void mkdirForUser(Path dir, User u) throws AccountException {
        try {
            Files.createDirectory(dir);
        } catch (IOException e) {
            throw io("failed to create directory '" + dir + "': " + GlibFileError.errnoText(e), e);
        }
        try {
            chown(dir, u);
        } catch (IOException e) {
            throw io("failed to set ownership of directory '" + dir + "': " + GlibFileError.errnoText(e), e);
        }
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw io("failed to set permissions of directory '" + dir + "': " + GlibFileError.errnoText(e), e);
        }
    }

    /** {@code write_authkeys}. */
    static void write(Path path, List<String> keys, User u) throws AccountException {
        String contents = String.join("\n", keys);
        Path tmp = path.resolveSibling(path.getFileName() + GlibFileError.TMP_SUFFIX);
        try {
            SetContents.write(path, tmp, contents);
        } catch (IOException e) {
            throw io("failed to write to '" + path + "': " + GlibFileError.describe(path, e, false), e);
        }
        try {
            chown(path, u);
        } catch (IOException e) {
            // (sic) qemu-ga says "directory" here too
            throw io("failed to set ownership of directory '" + path + "': " + GlibFileError.errnoText(e), e);
        }
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw io("failed to set permissions of '" + path + "': " + GlibFileError.errnoText(e), e);
        }
    }

    private static AccountException io(String message, IOException cause) {
        return new AccountException(AccountException.Kind.IO, message, cause);
    }

    private static void chown(Path p, User u) throws IOException {
        Files.setAttribute(p, "unix:uid", u.uid());
        Files.setAttribute(p, "unix:gid", u.gid());
    }
}
