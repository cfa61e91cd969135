// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.guestd.host.qga.QgaReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Black-box: the commands that reach into the guest for a host — guest-file-*, guest-exec and the
 * account commands — answered by the agent's own wiring of the files, process and accounts
 * features. Only harmless acts: a file in the test's state dir, /bin/echo, and a read-only lookup
 * of a user that does not exist (never a password or a key of a real user).
 */
@Timeout(60) // hang guard only
class HostAccessCommandsIT extends LiveAgentBase {
    @Test
    void fileHandlesComeFromTheStateDirsCounter() throws Exception {
        Path file = state.resolve("it-file.txt");
        long h = client.executeOrThrow("guest-file-open", Map.of("path", file.toString(), "mode", "w+")).returnLong();
        assertEquals("[global]\nfd_counter=" + (h + 1) + "\n", Files.readString(state.resolve("qga.state")));
        assertEquals(Map.of("count", 3L, "eof", false),
                client.executeOrThrow("guest-file-write", Map.of("handle", h, "buf-b64", "aGkK")).returnMap());
        client.executeOrThrow("guest-file-seek", Map.of("handle", h, "offset", 0, "whence", "set"));
        assertEquals(Map.of("count", 3L, "buf-b64", "aGkK", "eof", true),
                client.executeOrThrow("guest-file-read", Map.of("handle", h)).returnMap());
        client.executeOrThrow("guest-file-close", Map.of("handle", h));
        assertEquals("hi\n", Files.readString(file));
        QgaReply again = client.execute("guest-file-close", Map.of("handle", h));
        assertEquals("GenericError", again.errorClass());
        assertEquals("handle '" + h + "' has not been found", again.errorDesc());
    }

    @Test
    void execRunsAChildAndReportsItsEndOnce() throws Exception {
        long pid = (Long) client.executeOrThrow("guest-exec", Map.of("path", "/bin/echo", "arg", List.of("hi"),
                "capture-output", true)).returnMap().get("pid");
        Map<String, Object> s;
        do {
            s = client.executeOrThrow("guest-exec-status", Map.of("pid", pid)).returnMap();
        } while (!Boolean.TRUE.equals(s.get("exited")) && sleep());
        assertEquals(Map.of("exited", true, "exitcode", 0L, "out-data", "aGkK", "out-truncated", false), s);
        assertEquals("Invalid parameter 'pid'", client.execute("guest-exec-status", Map.of("pid", pid)).errorDesc());
    }

    @Test
    void accountCommandsLookUsersUpOnTheLiveSystem() throws Exception {
        QgaReply r = client.execute("guest-ssh-get-authorized-keys", Map.of("username", "guestd-no-such-user-4711"));
        assertTrue(r.isError(), r.raw());
        assertEquals("failed to lookup user 'guestd-no-such-user-4711': Success", r.errorDesc());
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(20);
        return true;
    }
}
