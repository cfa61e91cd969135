// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host's control shell in the guest (guest/ctl.sh on the virtio-serial port
 * {@code org.guestd.e2e.ctl}): runs shell commands as root in the guest, independently of the agent
 * under test, so cases can compare the agent's answers with the guest's own view and act on the
 * guest (start writers, restart the agent, read /proc).
 */
public final class GuestShell implements AutoCloseable {

    /** A command's exit status and combined output. */
    public record Result(int rc, String out) {
        /** The output without surrounding white space. */
        public String text() {
            return out.strip();
        }
    }

    private static final Pattern END = Pattern.compile("@@e2e (\\d+) rc=(\\d+)@@");
    private final LineChannel channel;
    private long seq;

    private GuestShell(LineChannel channel) {
        this.channel = channel;
    }

    /** Connects to the host end of the control port (the guest need not be up yet). */
    public static GuestShell connect(Path socket, Duration timeout) throws IOException {
        return new GuestShell(LineChannel.connect(socket, timeout));
    }

    /**
     * Runs one command line in the guest ({@code sh -c}). Output of earlier commands that timed out
     * is skipped by sequence number.
     *
     * @throws SocketTimeoutException when no reply arrives in {@code timeout}
     */
    public Result run(String command, Duration timeout) throws IOException {
        if (command.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("one line only: " + command);
        }
        long id = ++seq;
        channel.write(id + " " + command + "\n");
        List<String> lines = new ArrayList<>();
        while (true) {
            String l = channel.readLine(timeout);
            Matcher m = END.matcher(l);
            if (m.matches()) {
                if (Long.parseLong(m.group(1)) != id) {
                    lines.clear();
                    continue;
                }
                if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
                    lines.remove(lines.size() - 1);
                }
                return new Result(Integer.parseInt(m.group(2)), String.join("\n", lines));
            }
            lines.add(l);
        }
    }

    /** Runs a command with a 60 s deadline and returns its trimmed output; a non-zero status throws. */
    public String sh(String command) throws IOException {
        Result r = run(command, Duration.ofSeconds(60));
        if (r.rc() != 0) {
            throw new IOException("guest command failed (rc " + r.rc() + "): " + command + "\n" + r.out());
        }
        return r.text();
    }

    /** Repeats {@link #run} until it answers, for a guest that is (re)booting; bounded by {@code total}. */
    public Result runWhenUp(String command, Duration total) throws IOException {
        long deadline = System.nanoTime() + total.toNanos();
        while (true) {
            try {
                return run(command, Duration.ofSeconds(15));
            } catch (SocketTimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
