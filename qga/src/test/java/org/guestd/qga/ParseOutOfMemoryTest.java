// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.guestd.qga.command.control.GuestPing;
import org.guestd.qga.command.control.GuestSync;
import org.guestd.qga.dispatch.Dispatcher;
import org.guestd.qga.dispatch.TestCommands;
import org.guestd.qga.testing.FakeLink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A request with a 20 MiB string argument in a JVM with a 32 MiB heap (the launcher's old -Xmx):
 * the parser runs out of memory. The endpoint must answer {@code internal error: out of memory},
 * reset the parser and go on, exactly as qemu-ga goes on after its own token size limit (transcript
 * 24c): the rest of the string is then a stray token and two closing braces. Runs in a child JVM,
 * as only there can the heap be that small.
 */
@Timeout(120) // hang guard only
class ParseOutOfMemoryTest {
    private static final String OOM = "{\"error\": {\"class\": \"GenericError\", \"desc\": \"internal error: out of memory\"}}";
    private static final String STRAY_A = "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, stray 'A'\"}}";
    private static final String EXPECTING = "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, expecting value\"}}";

    /** The child JVM: feeds the request in 64 KiB chunks, then a guest-ping; prints what was written. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            FakeLink link = new FakeLink("oom");
            QgaEndpoint ep = new QgaEndpoint(new Dispatcher(TestCommands.registry(new GuestPing(), new GuestSync())),
                    Runnable::run);
            ep.connected(link);
            feed(ep, link, "{\"execute\": \"guest-sync\", \"arguments\": {\"id\": 1, \"x\": \"");
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) 'A');
            for (int i = 0; i < 20 * 16; i++) { // 20 MiB
                ep.received(link, ByteBuffer.wrap(chunk));
            }
            feed(ep, link, "\"}}\n{\"execute\": \"guest-ping\"}\n");
            System.out.write(link.bytes());
            System.out.flush();
        }

        private static void feed(QgaEndpoint ep, FakeLink link, String s) {
            ep.received(link, ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII)));
        }
    }

    @Test
    void outOfMemoryWhileParsingIsAnsweredAndTheSessionGoesOn() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-XX:+UseSerialGC", "-Xmx32m", "-Xss256k",
                "-cp", System.getProperty("java.class.path"), Child.class.getName())
                .redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "hang guard: the child JVM did not exit");
        String replies = out.toString(StandardCharsets.ISO_8859_1);
        assertEquals(0, p.exitValue(), "the child JVM failed; it wrote: " + replies);
        assertEquals(List.of(OOM, STRAY_A, EXPECTING, EXPECTING, "{\"return\": {}}"), List.of(replies.split("\n")));
    }
}
