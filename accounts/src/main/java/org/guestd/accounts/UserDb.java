// SPDX-License-Identifier: Apache-2.0
package org.guestd.accounts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import org.guestd.jna.linux.CStream;
import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.Passwd;

/**
 * Looks a user up as qemu-ga's {@code get_passwd_entry} does: on the live system through NSS
 * ({@code getpwnam_r}, so LDAP/SSSD users are found too), under an injected etc root by reading
 * its {@code passwd} file. A missing user is "failed to lookup user 'NAME': Success" (GLib reports
 * the errno of a lookup that found nothing, which is 0).
 */
final class UserDb {
    private static final int EIO = 5;

    private final Path etc;

    UserDb(Path etc) {
        this.etc = etc;
    }

    User lookup(String name) throws AccountException {
        Optional<User> u = find(name);
        if (u.isEmpty()) {
            throw notFound(name, 0);
        }
        return u.get();
    }

    /** The user, or empty when the database has none; a database that cannot be read is an error. */
    Optional<User> find(String name) throws AccountException {
        if (etc.equals(Path.of("/etc"))) {
            try {
                Passwd.Entry e = Passwd.lookup(name);
                return Optional.of(new User(e.name(), e.uid(), e.gid(), Path.of(e.home())));
            } catch (NativeException e) {
                if (e.errno() == 0) {
                    return Optional.empty();
                }
                throw notFound(name, e.errno());
            }
        }
        try {
            for (String line : Files.readAllLines(etc.resolve("passwd"), StandardCharsets.UTF_8)) {
                String[] f = line.split(":", -1);
                if (f.length >= 7 && f[0].equals(name)) {
                    return Optional.of(new User(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]), Path.of(f[5])));
                }
            }
        } catch (IOException | NumberFormatException | InvalidPathException e) {
            throw notFound(name, EIO);
        }
        return Optional.empty();
    }

    private static AccountException notFound(String name, int errno) {
        return new AccountException(AccountException.Kind.NO_SUCH_USER,
                "failed to lookup user '" + name + "': " + CStream.strerror(errno));
    }
}
