// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.env;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.guestd.core.AgentException;

/** The real {@link CommandRunner}: {@link ProcessBuilder}, output captured, killed on timeout. */
public final class ProcessCommandRunner implements CommandRunner {
    @Override
    public CommandResult run(List<String> argv, byte[] stdin, Duration timeout) throws AgentException {
        ProcessBuilder pb = new ProcessBuilder(argv);
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw AgentException.generic("failed to execute " + argv.get(0) + ": " + e.getMessage(), e);
        }
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
        try {
            if (stdin != null) {
                try (OutputStream os = p.getOutputStream()) {
                    os.write(stdin);
                } catch (IOException ignored) {
                    // the program closed its stdin early; its exit code tells the story
                }
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor();
                throw AgentException.generic(argv.get(0) + " timed out after " + timeout.toMillis() + " ms");
            }
            return new CommandResult(p.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw AgentException.generic("interrupted while running " + argv.get(0), e);
        }
    }

    private static byte[] drain(InputStream in) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (in) {
            in.transferTo(buf);
        } catch (IOException ignored) {
            // process went away; keep what was read
        }
        return buf.toByteArray();
    }
}
