// SPDX-License-Identifier: Apache-2.0
package org.guestd.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Provisioning's key installation ({@link Accounts#installAuthorizedKeys}) on a fixture root: the
 * passwd file says {@code /home/bob}, the files are under the root; nothing runs.
 */
class InstallKeysTest {
    static final String K1 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMmKbz9Ku1WAw5ohWmo6xyVtdxd9DdSm0mXt2M1nsTNB alice@laptop";
    static final String K2 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb bob";

    @TempDir
    Path root;
    Path home;
    Accounts accounts;
    User bob;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nbob:x:1234:1235::/home/bob:/bin/sh\n");
        home = Files.createDirectories(root.resolve("home/bob"));
        accounts = Accounts.under(root, (argv, stdin, timeout) -> {
            throw new AssertionError("nothing may run: " + argv);
        });
        bob = accounts.lookup("bob");
    }

    static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void theSystemPathFromPasswdIsFoundUnderTheRoot() throws Exception {
        assertEquals(new User("bob", 1234, 1235, Path.of("/home/bob")), bob);
        assertEquals(Optional.empty(), accounts.find("nobody-here"));
        assertEquals(1234, accounts.find("bob").orElseThrow().uid());
        Files.delete(root.resolve("etc/passwd"));
        AccountException e = assertThrows(AccountException.class, () -> accounts.find("bob"));
        assertEquals("failed to lookup user 'bob': Input/output error", e.getMessage(), "unreadable is not 'none'");
    }

    @Test
    void installsNewlineTerminatedLinesOnceWithOwnerAndModes() throws Exception {
        assertEquals(1, accounts.installAuthorizedKeys(bob, Path.of("/home/bob/.ssh/authorized_keys"), List.of(K1)));
        Path f = home.resolve(".ssh/authorized_keys");
        assertEquals(K1 + "\n", Files.readString(f));
        assertEquals("rw-------", mode(f));
        assertEquals("rwx------", mode(home.resolve(".ssh")));
        assertEquals(1234, Files.getAttribute(f, "unix:uid"));
        assertEquals(1235, Files.getAttribute(f, "unix:gid"));
        assertEquals(1234, Files.getAttribute(home.resolve(".ssh"), "unix:uid"));
        assertFalse(Files.exists(home.resolve(".ssh/authorized_keys.guestd-tmp")));
        // again with one more key: only the missing one is appended
        assertEquals(1, accounts.installAuthorizedKeys(bob, Path.of("/home/bob/.ssh/authorized_keys"), List.of(K1, K2)));
        assertEquals(K1 + "\n" + K2 + "\n", Files.readString(f));
        assertEquals(0, accounts.installAuthorizedKeys(bob, Path.of("/home/bob/.ssh/authorized_keys"), List.of(K2)));
    }

    @Test
    void aFileWithoutFinalNewlineIsContinuedOnANewLineAndWrongModesAreRepaired() throws Exception {
        Path ssh = Files.createDirectories(home.resolve(".ssh"));
        Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path f = ssh.resolve("authorized_keys");
        Files.writeString(f, "# mine\n" + K2); // the user's own, no final newline, root-owned 0644
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(0, accounts.installAuthorizedKeys(bob, Path.of("/home/bob/.ssh/authorized_keys"), List.of(K2)));
        assertEquals("# mine\n" + K2 + "\n", Files.readString(f), "rewritten for its modes: content kept");
        assertEquals("rw-------", mode(f));
        assertEquals(1234, Files.getAttribute(f, "unix:uid"));
        assertEquals("rwx------", mode(ssh));
        assertEquals(1, accounts.installAuthorizedKeys(bob, Path.of("/home/bob/.ssh/authorized_keys"), List.of(K1)));
        assertEquals("# mine\n" + K2 + "\n" + K1 + "\n", Files.readString(f));
    }

    @Test
    void otherPathsInsideTheHomeButNeverOutsideOrThroughLinks() throws Exception {
        Files.createDirectories(home.resolve("keys"));
        assertEquals(1, accounts.installAuthorizedKeys(bob, Path.of("/home/bob/keys/../keys/ak2"), List.of(K1)));
        assertEquals(K1 + "\n", Files.readString(home.resolve("keys/ak2")));
        assertEquals(1234, Files.getAttribute(home.resolve("keys/ak2"), "unix:uid"));

        AccountException e = assertThrows(AccountException.class,
                () -> accounts.installAuthorizedKeys(bob, Path.of("/home/bob/../root/.ssh/authorized_keys"), List.of(K1)));
        assertEquals("/home/bob/../root/.ssh/authorized_keys is not inside /home/bob", e.getMessage());
        e = assertThrows(AccountException.class,
                () -> accounts.installAuthorizedKeys(bob, Path.of("/home/bob/missing/ak"), List.of(K1)));
        assertEquals("directory /home/bob/missing does not exist", e.getMessage());
        assertFalse(Files.exists(root.resolve("root")));

        // a planted link at the file, at ~/.ssh, or at a directory on the way is never followed
        Path precious = Files.writeString(root.resolve("precious"), "precious\n");
        Files.createDirectories(home.resolve(".ssh"));
        Files.createSymbolicLink(home.resolve(".ssh/authorized_keys"), precious);
        e = assertThrows(AccountException.class,
                () -> accounts.installAuthorizedKeys(bob, Path.of("/home/bob/.ssh/authorized_keys"), List.of(K1)));
        assertTrue(e.getMessage().endsWith("/home/bob/.ssh/authorized_keys' is a symbolic link; not followed"), e.getMessage());
        Files.delete(home.resolve(".ssh/authorized_keys"));
        Files.delete(home.resolve(".ssh"));
        Path elsewhere = Files.createDirectories(root.resolve("elsewhere"));
        Files.createSymbolicLink(home.resolve(".ssh"), elsewhere);
        e = assertThrows(AccountException.class,
                () -> accounts.installAuthorizedKeys(bob, Path.of("/home/bob/.ssh/authorized_keys"), List.of(K1)));
        assertTrue(e.getMessage().endsWith("/home/bob/.ssh' is a symbolic link; not followed"), e.getMessage());
        Files.createSymbolicLink(home.resolve("linked"), elsewhere);
        assertThrows(AccountException.class,
                () -> accounts.installAuthorizedKeys(bob, Path.of("/home/bob/linked/ak"), List.of(K1)));
        assertEquals("precious\n", Files.readString(precious));
        try (var s = Files.list(elsewhere)) {
            assertEquals(List.of(), s.toList());
        }
        assertEquals(0, Files.getAttribute(elsewhere, "unix:uid"), "not chowned to the user");
    }

    @Test
    void aMissingHomeIsAFailure() throws Exception {
        Files.delete(home);
        AccountException e = assertThrows(AccountException.class,
                () -> accounts.installAuthorizedKeys(bob, Path.of("/home/bob/.ssh/authorized_keys"), List.of(K1)));
        assertEquals("the home directory /home/bob of bob is missing", e.getMessage());
    }
}
