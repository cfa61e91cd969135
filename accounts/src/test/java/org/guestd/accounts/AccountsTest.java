// SPDX-License-Identifier: Apache-2.0
package org.guestd.accounts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.guestd.core.AgentException;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.env.HostPaths;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On a fixture passwd and home under a temp dir; chpasswd only through a recording runner. */
class AccountsTest {
    @TempDir
    Path root;
    Path home;
    int uid;
    int gid;
    final List<List<String>> argvs = new ArrayList<>();
    final List<byte[]> stdins = new ArrayList<>();
    int exitCode;
    Accounts accounts;

    @BeforeEach
    void setUp() throws Exception {
        home = Files.createDirectories(root.resolve("home/alice"));
        uid = (Integer) Files.getAttribute(root, "unix:uid");
        gid = (Integer) Files.getAttribute(root, "unix:gid");
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n"
                + "alice:x:" + uid + ":" + gid + ":Alice:" + home + ":/bin/sh\n");
        CommandRunner runner = (List<String> argv, byte[] stdin, Duration timeout) -> {
            if (exitCode < 0) {
                throw AgentException.generic("failed to execute " + argv.get(0) + ": No such file or directory");
            }
            argvs.add(argv);
            stdins.add(stdin);
            return new CommandRunner.CommandResult(exitCode, new byte[0], new byte[0]);
        };
        accounts = new Accounts(HostPaths.under(root), runner);
    }

    private Path authKeys() {
        return home.resolve(".ssh/authorized_keys");
    }

    private static AccountException.Kind kind(Throwable t) {
        return ((AccountException) t).kind();
    }

    @Test
    void lookupOnTheFixtureAndUnknownUsersAsQemuGa() throws Exception {
        assertEquals(new User("alice", uid, gid, home), accounts.lookup("alice"));
        assertEquals(new User("root", 0, 0, Path.of("/root")), accounts.lookup("root"));
        AccountException e = assertThrows(AccountException.class, () -> accounts.lookup("qga-no-such-user"));
        assertEquals(AccountException.Kind.NO_SUCH_USER, e.kind());
        assertEquals("failed to lookup user 'qga-no-such-user': Success", e.getMessage());
        Files.delete(root.resolve("etc/passwd"));
        e = assertThrows(AccountException.class, () -> accounts.lookup("alice"));
        assertEquals("failed to lookup user 'alice': Input/output error", e.getMessage());
    }

    @Test
    void lookupOnTheLiveSystemGoesThroughNss() throws Exception {
        Accounts live = new Accounts(HostPaths.system(), (argv, stdin, timeout) -> {
            throw new AssertionError("nothing may run");
        });
        assertEquals(0, live.lookup("root").uid());
        assertEquals("failed to lookup user 'guestd-no-such-user-4711': Success",
                assertThrows(AccountException.class, () -> live.lookup("guestd-no-such-user-4711")).getMessage());
    }

    @Test
    void addCreatesDirAndFileWithOwnerAndModes() throws Exception {
        accounts.addAuthorizedKeys("alice", List.of("algo key2 comments"), false);
        assertEquals("algo key2 comments", Files.readString(authKeys()));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(".ssh"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(authKeys())));
        assertEquals(uid, Files.getAttribute(authKeys(), "unix:uid"));
        assertEquals(gid, Files.getAttribute(home.resolve(".ssh"), "unix:gid"));
        assertFalse(Files.exists(home.resolve(".ssh/authorized_keys.guestd-tmp")));
        // qemu's test_add_keys: key2 is not duplicated
        accounts.addAuthorizedKeys("alice", List.of("algo key1 comments", "algo key2 comments"), false);
        assertEquals("algo key2 comments\nalgo key1 comments", Files.readString(authKeys()));
        accounts.addAuthorizedKeys("alice", List.of("algo key2 comments"), true);
        assertEquals("algo key2 comments", Files.readString(authKeys()));
        accounts.addAuthorizedKeys("alice", List.of(), true);
        assertEquals("", Files.readString(authKeys()));
    }

    @Test
    void getInFileOrderAndRemoveAsQemuUnitTests() throws Exception {
        Files.createDirectories(home.resolve(".ssh"));
        String authkeys = "algo key1 comments\nalgo key1 comments\n# a commented line\n  algo some-key another \n";
        Files.writeString(authKeys(), authkeys);
        accounts.removeAuthorizedKeys("alice", List.of("algo key2 comments"));
        assertEquals(authkeys, Files.readString(authKeys()));
        assertEquals(List.of("algo key1 comments", "algo key1 comments", "algo some-key another"),
                accounts.authorizedKeys("alice"));
        accounts.removeAuthorizedKeys("alice", List.of("algo key1 comments", "algo key2 comments"));
        assertEquals("# a commented line\n  algo some-key another \n", Files.readString(authKeys()));
    }

    @Test
    void keysAreCheckedBeforeTheUserAndMissingFilesAreHandled() throws Exception {
        AccountException e = assertThrows(AccountException.class,
                () -> accounts.addAuthorizedKeys("nobody-here", List.of("# comment"), false));
        assertEquals(AccountException.Kind.INVALID_KEY, e.kind());
        assertEquals("invalid OpenSSH public key: '# comment'", e.getMessage());
        e = assertThrows(AccountException.class, () -> accounts.removeAuthorizedKeys("alice", List.of("a\nb")));
        assertEquals("invalid OpenSSH public key: 'a\nb'", e.getMessage());
        // removing from a missing file is fine and creates nothing
        accounts.removeAuthorizedKeys("alice", List.of("k"));
        assertFalse(Files.exists(home.resolve(".ssh")));
        e = assertThrows(AccountException.class, () -> accounts.authorizedKeys("alice"));
        assertEquals(AccountException.Kind.IO, e.kind());
        assertEquals("failed to read '" + authKeys() + "': Failed to open file \u201C" + authKeys()
                + "\u201D: No such file or directory", e.getMessage());
    }

    @Test
    void anUnreadableFileIsStartedAfreshByAddButNotByRemove() throws Exception {
        Files.createDirectories(home.resolve(".ssh"));
        Files.write(authKeys(), new byte[] {'o', 'l', 'd', (byte) 0xff, '\n'}); // not UTF-8: cannot be read
        AccountException e = assertThrows(AccountException.class,
                () -> accounts.removeAuthorizedKeys("alice", List.of("old")));
        assertEquals(AccountException.Kind.IO, e.kind());
        accounts.addAuthorizedKeys("alice", List.of("k1"), false);
        assertEquals("k1", Files.readString(authKeys()));
    }

    @Test
    void aKeyFileThatCannotBeReplacedIsAnIoFailure() throws Exception {
        Files.createDirectories(authKeys().resolve("inside")); // a non-empty directory where the file should be
        AccountException e = assertThrows(AccountException.class,
                () -> accounts.addAuthorizedKeys("alice", List.of("k1"), false));
        assertEquals(AccountException.Kind.IO, e.kind());
        assertEquals(true, e.getMessage().startsWith("failed to write to '" + authKeys() + "': "), e.getMessage());
        assertFalse(Files.exists(home.resolve(".ssh/authorized_keys.guestd-tmp")));
    }

    @Test
    void setPasswordPipesOneLineToChpasswd() throws Exception {
        accounts.setPassword("alice", "s3cr:t".getBytes(StandardCharsets.UTF_8), false);
        accounts.setPassword("bob", "$6$salt$hash".getBytes(StandardCharsets.UTF_8), true);
        assertEquals(List.of(List.of("chpasswd"), List.of("chpasswd", "-e")), argvs);
        assertArrayEquals("alice:s3cr:t\n".getBytes(StandardCharsets.UTF_8), stdins.get(0));
        assertArrayEquals("bob:$6$salt$hash\n".getBytes(StandardCharsets.UTF_8), stdins.get(1));
        exitCode = 1;
        AccountException e = assertThrows(AccountException.class,
                () -> accounts.setPassword("alice", new byte[] {'x'}, false));
        assertEquals(AccountException.Kind.PASSWORD_TOOL_FAILED, e.kind());
        assertEquals("chpasswd exited with status 1", e.getMessage());
        exitCode = -1;
        e = assertThrows(AccountException.class, () -> accounts.setPassword("alice", new byte[] {'x'}, false));
        assertEquals(AccountException.Kind.PASSWORD_TOOL_MISSING, e.kind());
    }

    @Test
    void setPasswordRefusesWhatWouldBreakChpasswdsLineAndRunsNothing() {
        assertEquals(AccountException.Kind.INVALID_PASSWORD, kind(assertThrows(AccountException.class,
                () -> accounts.setPassword("a:b", "a\nb".getBytes(StandardCharsets.UTF_8), false))));
        assertEquals(AccountException.Kind.INVALID_USER_NAME, kind(assertThrows(AccountException.class,
                () -> accounts.setPassword("a:b", new byte[] {'x'}, false))));
        assertEquals(AccountException.Kind.INVALID_USER_NAME, kind(assertThrows(AccountException.class,
                () -> accounts.setPassword("a\nb", new byte[] {'x'}, false))));
        assertEquals(List.of(), argvs);
    }

    @Test
    void aLinkAtTheKeyFileOrSshDirIsNeverFollowed() throws Exception {
        // qemu-ga would read the link's target (a user could point it at /etc/shadow and get it back
        // in a file of theirs); guestd reads nothing through it: add starts a new file in its place
        Path secret = Files.writeString(root.resolve("shadow"), "root:$6$secret:19000::::::\n");
        Files.createDirectories(home.resolve(".ssh"));
        Files.createSymbolicLink(authKeys(), secret);
        AccountException e = assertThrows(AccountException.class, () -> accounts.authorizedKeys("alice"));
        assertEquals("failed to read '" + authKeys() + "': Failed to open file \u201C" + authKeys()
                + "\u201D: Too many levels of symbolic links", e.getMessage());
        assertEquals(AccountException.Kind.IO, assertThrows(AccountException.class,
                () -> accounts.removeAuthorizedKeys("alice", List.of("k"))).kind());
        accounts.addAuthorizedKeys("alice", List.of("k1"), false);
        assertFalse(Files.isSymbolicLink(authKeys()));
        assertEquals("k1", Files.readString(authKeys()));
        assertEquals("root:$6$secret:19000::::::\n", Files.readString(secret));

        // ~/.ssh a link to another directory: nothing is read or written there
        Files.delete(authKeys());
        Files.delete(home.resolve(".ssh"));
        Path other = Files.createDirectories(root.resolve("root-ssh"));
        Files.writeString(other.resolve("authorized_keys"), "root's key");
        Files.createSymbolicLink(home.resolve(".ssh"), other);
        e = assertThrows(AccountException.class, () -> accounts.addAuthorizedKeys("alice", List.of("k1"), false));
        assertEquals("'" + home.resolve(".ssh") + "' is a symbolic link; not followed", e.getMessage());
        assertThrows(AccountException.class, () -> accounts.authorizedKeys("alice"));
        assertEquals("root's key", Files.readString(other.resolve("authorized_keys")));
    }
}
