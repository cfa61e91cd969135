// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host side of the control shell against a scripted stand-in for guest/ctl.sh. */
class GuestShellTest {

    @TempDir
    Path dir;

    @Test
    void framesOutputAndStatusAndSkipsStaleReplies() throws Exception {
        Path sock = dir.resolve("ctl.sock");
        try (FakeSocketServer srv = new FakeSocketServer(sock, (in, out) -> {
            assertEquals("1 uname -r", in.readLine());
            // ctl.sh prints the output, then "\n@@e2e SEQ rc=N@@\n"
            FakeSocketServer.send(out, "6.1.0-56-amd64\n\n@@e2e 1 rc=0@@\n");
            assertEquals("2 false", in.readLine());
            // a late reply to an earlier command comes first and must be skipped
            FakeSocketServer.send(out, "stale\n\n@@e2e 1 rc=0@@\n\n@@e2e 2 rc=1@@\n");
            assertEquals("3 printf abc", in.readLine());
            FakeSocketServer.send(out, "abc\n@@e2e 3 rc=0@@\n");
        }); GuestShell sh = GuestShell.connect(sock, Duration.ofSeconds(5))) {
            assertEquals("6.1.0-56-amd64", sh.sh("uname -r"));
            GuestShell.Result r = sh.run("false", Duration.ofSeconds(5));
            assertEquals(1, r.rc());
            assertEquals("", r.out());
            assertEquals("abc", sh.run("printf abc", Duration.ofSeconds(5)).out());
            srv.finish();
        }
    }

    @Test
    void nonZeroStatusFailsSh() throws Exception {
        Path sock = dir.resolve("ctl.sock");
        try (FakeSocketServer srv = new FakeSocketServer(sock, (in, out) -> {
            in.readLine();
            FakeSocketServer.send(out, "no such file\n\n@@e2e 1 rc=2@@\n");
        }); GuestShell sh = GuestShell.connect(sock, Duration.ofSeconds(5))) {
            IOException e = assertThrows(IOException.class, () -> sh.sh("cat /nope"));
            assertEquals(true, e.getMessage().contains("no such file"));
            srv.finish();
        }
    }

    @Test
    void multiLineCommandsAreRefused() throws Exception {
        Path sock = dir.resolve("ctl.sock");
        try (FakeSocketServer srv = new FakeSocketServer(sock, (in, out) -> in.readLine());
             GuestShell sh = GuestShell.connect(sock, Duration.ofSeconds(5))) {
            assertThrows(IllegalArgumentException.class, () -> sh.run("a\nb", Duration.ofSeconds(1)));
        }
    }
}
