// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.user;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.guestd.core.AgentException;
import org.guestd.core.env.SetContents;

/**
 * {@code ~/.ssh/authorized_keys} handled as qemu-ga's commands-posix-ssh.c does: keys are
 * checked (no {@code #} first, no newline), the file is read and split on {@code \n}, written
 * back joined with {@code \n} (no final newline) through a temporary file and a rename, then
 * owned by the user and set to 0600; a missing {@code ~/.ssh} is created 0700 and owned by the user.
 */
final class AuthorizedKeys {
    private AuthorizedKeys() {}

    static Path sshDir(UserDb.User u) {
        return u.home().resolve(".ssh");
    }

    static Path file(UserDb.User u) {
        return sshDir(u).resolve("authorized_keys");
    }

    /** {@code check_openssh_pub_keys}. */
    static void check(List<String> keys) throws AgentException {
        for (String k : keys) {
            if (k.startsWith("#") || k.indexOf('\n') >= 0) {
                throw AgentException.generic("invalid OpenSSH public key: '" + k + "'");
            }
        }
    }

    /** {@code read_authkeys}: the lines, or "failed to read 'PATH': …" in GLib's words. */
    static List<String> read(Path path) throws AgentException {
        try {
            String text = Files.readString(path, StandardCharsets.UTF_8);
            return new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        } catch (IOException e) {
            throw AgentException.generic("failed to read '" + path + "': " + GlibFileError.describe(path, e, true));
        }
    }

    /** {@code mkdir_for_user}. */
    static void mkdirForUser(Path dir, UserDb.User u) throws AgentException {
        try {
            Files.createDirectory(dir);
        } catch (IOException e) {
            throw AgentException.generic("failed to create directory '" + dir + "': " + GlibFileError.errnoText(e));
        }
        try {
            chown(dir, u);
        } catch (IOException e) {
            throw AgentException.generic("failed to set ownership of directory '" + dir + "': "
                    + GlibFileError.errnoText(e));
        }
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw AgentException.generic("failed to set permissions of directory '" + dir + "': "
                    + GlibFileError.errnoText(e));
        }
    }

    /** {@code write_authkeys}. */
    static void write(Path path, List<String> keys, UserDb.User u) throws AgentException {
        String contents = String.join("\n", keys);
        Path tmp = path.resolveSibling(path.getFileName() + ".guestd-tmp");
        try {
            SetContents.write(path, tmp, contents);
        } catch (IOException e) {
            throw AgentException.generic("failed to write to '" + path + "': " + GlibFileError.describe(path, e, false));
        }
        try {
            chown(path, u);
        } catch (IOException e) {
            // (sic) qemu-ga says "directory" here too
            throw AgentException.generic("failed to set ownership of directory '" + path + "': "
                    + GlibFileError.errnoText(e));
        }
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw AgentException.generic("failed to set permissions of '" + path + "': " + GlibFileError.errnoText(e));
        }
    }

    private static void chown(Path p, UserDb.User u) throws IOException {
        Files.setAttribute(p, "unix:uid", u.uid());
        Files.setAttribute(p, "unix:gid", u.gid());
    }
}
