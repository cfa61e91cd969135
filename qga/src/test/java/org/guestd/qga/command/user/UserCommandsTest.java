// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.guestd.core.AgentException;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.env.HostPaths;
import org.guestd.core.testing.FakeClock;
import org.guestd.qga.QgaFeatures;
import org.guestd.qga.testing.FakeGuestInfo;
import org.guestd.qga.testing.Qga;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserCommandsTest {
    @TempDir
    Path root;
    Path home;
    int uid;
    int gid;
    final List<List<String>> argvs = new ArrayList<>();
    final List<String> stdins = new ArrayList<>();
    int exitCode;
    Qga qga;

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
                throw AgentException.generic("cannot run " + argv.get(0));
            }
            argvs.add(argv);
            stdins.add(new String(stdin, StandardCharsets.UTF_8));
            return new CommandRunner.CommandResult(exitCode, new byte[0], new byte[0]);
        };
        qga = new Qga(root, HostPaths.under(root), runner);
    }

    private String keys(String... k) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < k.length; i++) {
            b.append(i == 0 ? "" : ",").append('"').append(k[i]).append('"');
        }
        return b.append(']').toString();
    }

    private Path authKeys() {
        return home.resolve(".ssh/authorized_keys");
    }

    @Test
    void unknownUserAsTranscript19f() {
        assertEquals("{\"error\": {\"class\": \"GenericError\", \"desc\": \"failed to lookup user 'qga-no-such-user': "
                + "Success\"}}", qga.raw("{\"execute\": \"guest-ssh-get-authorized-keys\", \"arguments\": "
                + "{\"username\": \"qga-no-such-user\"}}"));
    }

    @Test
    void addCreatesDirAndFileWithOwnerAndModes() throws Exception {
        qga.ok("{\"execute\":\"guest-ssh-add-authorized-keys\",\"arguments\":{\"username\":\"alice\",\"keys\":"
                + keys("algo key2 comments") + "}}");
        assertEquals("algo key2 comments", Files.readString(authKeys()));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(".ssh"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(authKeys())));
        assertEquals(uid, Files.getAttribute(authKeys(), "unix:uid"));
        assertEquals(gid, Files.getAttribute(home.resolve(".ssh"), "unix:gid"));
        // qemu's test_add_keys: key2 is not duplicated
        qga.ok("{\"execute\":\"guest-ssh-add-authorized-keys\",\"arguments\":{\"username\":\"alice\",\"keys\":"
                + keys("algo key1 comments", "algo key2 comments") + "}}");
        assertEquals("algo key2 comments\nalgo key1 comments", Files.readString(authKeys()));
        // reset
        qga.ok("{\"execute\":\"guest-ssh-add-authorized-keys\",\"arguments\":{\"username\":\"alice\",\"keys\":"
                + keys("algo key2 comments") + ",\"reset\":true}}");
        assertEquals("algo key2 comments", Files.readString(authKeys()));
        qga.ok("{\"execute\":\"guest-ssh-add-authorized-keys\",\"arguments\":{\"username\":\"alice\",\"keys\":[],"
                + "\"reset\":true}}");
        assertEquals("", Files.readString(authKeys()));
    }

    @Test
    void removeAndGetAsQemuUnitTests() throws Exception {
        Files.createDirectories(home.resolve(".ssh"));
        String authkeys = "algo key1 comments\nalgo key1 comments\n# a commented line\nalgo some-key another\n";
        Files.writeString(authKeys(), authkeys);
        qga.ok("{\"execute\":\"guest-ssh-remove-authorized-keys\",\"arguments\":{\"username\":\"alice\",\"keys\":"
                + keys("algo key2 comments") + "}}");
        assertEquals(authkeys, Files.readString(authKeys()));
        Map<?, ?> got = (Map<?, ?>) qga.ok("{\"execute\":\"guest-ssh-get-authorized-keys\",\"arguments\":"
                + "{\"username\":\"alice\"}}");
        // qemu-ga prepends: reverse file order
        assertEquals(List.of("algo some-key another", "algo key1 comments", "algo key1 comments"), got.get("keys"));
        qga.ok("{\"execute\":\"guest-ssh-remove-authorized-keys\",\"arguments\":{\"username\":\"alice\",\"keys\":"
                + keys("algo key1 comments", "algo key2 comments") + "}}");
        assertEquals("# a commented line\nalgo some-key another\n", Files.readString(authKeys()));
    }

    @Test
    void keyChecksAndMissingFiles() throws Exception {
        assertEquals("invalid OpenSSH public key: '# comment'", qga.error("{\"execute\":\"guest-ssh-add-authorized-keys\","
                + "\"arguments\":{\"username\":\"nobody-here\",\"keys\":" + keys("# comment") + "}}"));
        assertEquals("invalid OpenSSH public key: 'a\nb'", qga.error("{\"execute\":\"guest-ssh-remove-authorized-keys\","
                + "\"arguments\":{\"username\":\"alice\",\"keys\":[\"a\\nb\"]}}"));
        // removing from a missing file is fine and creates nothing
        qga.ok("{\"execute\":\"guest-ssh-remove-authorized-keys\",\"arguments\":{\"username\":\"alice\",\"keys\":"
                + keys("k") + "}}");
        assertFalse(Files.exists(home.resolve(".ssh")));
        assertEquals("failed to read '" + authKeys() + "': Failed to open file \u201C" + authKeys()
                + "\u201D: No such file or directory", qga.error("{\"execute\":\"guest-ssh-get-authorized-keys\","
                + "\"arguments\":{\"username\":\"alice\"}}"));
    }

    @Test
    void setUserPasswordPipesToChpasswd() {
        String pw = Base64.getEncoder().encodeToString("s3cr:t".getBytes(StandardCharsets.UTF_8));
        qga.ok("{\"execute\":\"guest-set-user-password\",\"arguments\":{\"username\":\"alice\",\"password\":\"" + pw
                + "\",\"crypted\":false}}");
        qga.ok("{\"execute\":\"guest-set-user-password\",\"arguments\":{\"username\":\"bob\",\"password\":\"" + pw
                + "\",\"crypted\":true}}");
        assertEquals(List.of(List.of("chpasswd"), List.of("chpasswd", "-e")), argvs);
        assertEquals(List.of("alice:s3cr:t\n", "bob:s3cr:t\n"), stdins);
        exitCode = 1;
        assertEquals("child process has failed to set user password", qga.error("{\"execute\":\"guest-set-user-password\","
                + "\"arguments\":{\"username\":\"alice\",\"password\":\"" + pw + "\",\"crypted\":false}}"));
        exitCode = -1;
        assertEquals("cannot find 'passwd' program in PATH", qga.error("{\"execute\":\"guest-set-user-password\","
                + "\"arguments\":{\"username\":\"alice\",\"password\":\"" + pw + "\",\"crypted\":false}}"));
    }

    @Test
    void withoutTheAccountsFeatureNotSupported() throws Exception {
        Qga none = new Qga(QgaFeatures.of(new FakeGuestInfo(), new FakeClock(0)));
        for (String request : new String[] {
                "{\"execute\":\"guest-set-user-password\",\"arguments\":{\"username\":\"a\",\"password\":\"YQ==\","
                        + "\"crypted\":false}}",
                "{\"execute\":\"guest-ssh-get-authorized-keys\",\"arguments\":{\"username\":\"alice\"}}",
                "{\"execute\":\"guest-ssh-add-authorized-keys\",\"arguments\":{\"username\":\"alice\",\"keys\":[]}}",
                "{\"execute\":\"guest-ssh-remove-authorized-keys\",\"arguments\":{\"username\":\"alice\","
                        + "\"keys\":[]}}"}) {
            assertEquals("this feature or command is not currently supported", none.error(request), request);
        }
    }

    @Test
    void aNulEndsThePasswordAsInC() {
        String pw = Base64.getEncoder().encodeToString("ok\0\nrest".getBytes(StandardCharsets.UTF_8));
        qga.ok("{\"execute\":\"guest-set-user-password\",\"arguments\":{\"username\":\"alice\",\"password\":\"" + pw
                + "\",\"crypted\":false}}");
        assertEquals(List.of("alice:ok\n"), stdins);
    }

    @Test
    void setUserPasswordChecks() {
        String nl = Base64.getEncoder().encodeToString("a\nb".getBytes(StandardCharsets.UTF_8));
        assertEquals("forbidden characters in raw password", qga.error("{\"execute\":\"guest-set-user-password\","
                + "\"arguments\":{\"username\":\"alice\",\"password\":\"" + nl + "\",\"crypted\":false}}"));
        assertEquals("forbidden characters in username", qga.error("{\"execute\":\"guest-set-user-password\","
                + "\"arguments\":{\"username\":\"a:b\",\"password\":\"YQ==\",\"crypted\":false}}"));
        assertEquals("Base64 data contains invalid characters", qga.error("{\"execute\":\"guest-set-user-password\","
                + "\"arguments\":{\"username\":\"a\",\"password\":\"!\",\"crypted\":false}}"));
        assertEquals("Parameter 'crypted' is missing", qga.error("{\"execute\":\"guest-set-user-password\","
                + "\"arguments\":{\"username\":\"a\",\"password\":\"YQ==\"}}"));
        assertEquals(List.of(), argvs);
    }
}
