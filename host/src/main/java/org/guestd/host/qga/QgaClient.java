// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.qga;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.guestd.core.json.Json;

/**
 * A host-side client for the QEMU Guest Agent protocol, written from the protocol description
 * (not from the agent's code) so that it can test any agent, qemu-ga or guestd, as an outsider.
 *
 * <p>Typical use:
 * <pre>{@code
 * try (QgaClient qga = QgaClient.connect(Path.of("/run/guestd/qga.sock"), Duration.ofSeconds(10))) {
 *     qga.sync();
 *     Map<String, Object> os = qga.executeOrThrow("guest-get-osinfo").returnMap();
 * }
 * }</pre>
 *
 * <p>Every read has a deadline (default {@link #DEFAULT_TIMEOUT}); running out of time throws
 * {@link SocketTimeoutException}, the agent closing the stream {@link EOFException}, a malformed
 * reply {@link QgaProtocolException}. After a timeout a late reply may still arrive: call
 * {@link #sync()} again before the next command, as the QGA schema asks of clients.
 * Instances are not thread-safe.
 */
public final class QgaClient implements AutoCloseable {
    /** Default deadline for connecting and for each reply. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** How long {@link #executeNoReply(String, Map)} waits for a possible error reply. */
    public static final Duration DEFAULT_NO_REPLY_WAIT = Duration.ofSeconds(1);
    /** Commands that send no reply on success ({@code 'success-response': false} in the schema). */
    public static final Set<String> NO_REPLY_COMMANDS = Set.of(
            "guest-shutdown", "guest-suspend-disk", "guest-suspend-ram", "guest-suspend-hybrid");

    private static final byte SENTINEL = (byte) 0xFF;

    private final TimedInput input;
    private final ChannelOutput output;
    private final List<Closeable> resources = new ArrayList<>();
    private final ReplyFramer framer = new ReplyFramer();
    private final ByteBuffer readBuf = ByteBuffer.allocate(65536);
    private final String peer;
    private Duration timeout = DEFAULT_TIMEOUT;
    private boolean closed;

    /** A client over one bidirectional channel (a connected socket, for instance). */
    public QgaClient(ByteChannel channel) throws IOException {
        this(channel, channel, "agent");
    }

    /**
     * A client over any pair of byte channels. A selectable {@code in} is switched to
     * non-blocking mode; any other channel is read by a daemon thread so reads can time out.
     */
    public QgaClient(ReadableByteChannel in, WritableByteChannel out) throws IOException {
        this(in, out, "agent");
    }

    private QgaClient(ReadableByteChannel in, WritableByteChannel out, String peer) throws IOException {
        this.peer = peer;
        resources.add(in);
        if (out != in) {
            resources.add(out);
        }
        this.input = TimedInput.of(in);
        resources.add(0, input);
        this.output = new ChannelOutput(out);
        resources.add(0, output);
    }

    /** A client over a pair of streams (e.g. a process's stdin/stdout or a serial device). */
    public static QgaClient over(InputStream in, OutputStream out) throws IOException {
        return new QgaClient(Channels.newChannel(in), Channels.newChannel(out), "agent");
    }

    /** {@link #connect(Path, Duration)} with {@link #DEFAULT_TIMEOUT}. */
    public static QgaClient connect(Path unixSocket) throws IOException {
        return connect(unixSocket, DEFAULT_TIMEOUT);
    }

    /**
     * Connects to an agent's unix socket (unix-listen mode, or the host end of a virtio-serial
     * chardev), retrying until {@code timeout} passes, since the agent may still be starting.
     * The timeout also becomes the client's read timeout.
     *
     * @throws ConnectException when no connection could be made in time; its message names the
     *                          socket and the last error
     */
    public static QgaClient connect(Path unixSocket, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(unixSocket);
        IOException last;
        while (true) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.configureBlocking(false);
                if (!ch.connect(address)) {
                    ChannelOutput.awaitConnect(ch, deadline);
                }
                QgaClient c = new QgaClient(ch, ch, "agent at " + unixSocket);
                c.timeout = timeout;
                return c;
            } catch (IOException e) {
                closeQuietly(ch);
                last = e;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                ConnectException ce = new ConnectException("cannot connect to " + unixSocket + " within "
                        + seconds(timeout) + ": " + last.getMessage());
                ce.initCause(last);
                throw ce;
            }
            sleep(Math.min(left, 50_000_000L));
        }
    }

    /** The deadline used for each reply. */
    public Duration timeout() {
        return timeout;
    }

    /** Sets the deadline used for each reply; returns this client. */
    public QgaClient timeout(Duration newTimeout) {
        if (newTimeout.isNegative() || newTimeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + newTimeout);
        }
        this.timeout = newTimeout;
        return this;
    }

    /**
     * The robust handshake (test-qga, Proxmox): sends a raw 0xFF byte so the agent discards any
     * half-received request, then {@code guest-sync-delimited} with a random id; skips all input
     * up to a 0xFF byte (including qemu-ga's parse-error reply to our 0xFF) and parses the reply
     * after it, repeating until one carries our id (stale replies are ignored, as the schema
     * asks of clients). Returns the id.
     */
    public long sync() throws IOException {
        long id = ThreadLocalRandom.current().nextLong(1, 1L << 31);
        long deadline = deadline(timeout);
        sendRaw(new byte[] {SENTINEL});
        send("guest-sync-delimited", Map.of("id", id), null);
        while (true) {
            String what = "guest-sync-delimited reply with id " + id;
            while (!framer.skipToSentinel()) {
                fill(deadline, what, timeout);
            }
            ReplyFramer.Frame f = nextFrame(deadline, what, timeout);
            if (!f.object()) {
                continue;
            }
            QgaReply r;
            try {
                r = QgaReply.parse(f.text(), true);
            } catch (QgaProtocolException e) {
                continue;
            }
            if (Objects.equals(Json.asLong(r.returnValue()), id)) {
                return id;
            }
        }
    }

    /**
     * libvirt's handshake: {@code guest-sync} with a random id and no 0xFF, reading replies
     * until the one that returns the id. Returns the id.
     */
    public long syncPlain() throws IOException {
        long id = ThreadLocalRandom.current().nextLong(1, 1L << 31);
        long deadline = deadline(timeout);
        send("guest-sync", Map.of("id", id), null);
        while (true) {
            ReplyFramer.Frame f = nextFrame(deadline, "guest-sync reply with id " + id, timeout);
            if (f.object()) {
                try {
                    if (Objects.equals(Json.asLong(QgaReply.parse(f.text(), f.delimited()).returnValue()), id)) {
                        return id;
                    }
                } catch (QgaProtocolException ignored) {
                    // libvirt tolerates non-JSON lines while syncing; so do we
                }
            }
        }
    }

    /** Runs a command without arguments and returns its reply (success or error). */
    public QgaReply execute(String command) throws IOException {
        return execute(command, null, null);
    }

    /** Runs a command; {@code args} may be null (no {@code arguments} member is sent). */
    public QgaReply execute(String command, Map<String, ?> args) throws IOException {
        return execute(command, args, null);
    }

    /**
     * Sends one request line and reads exactly one reply object. {@code id}, when not null, is
     * sent as the request's {@code id} member (the agent echoes it).
     */
    public QgaReply execute(String command, Map<String, ?> args, Object id) throws IOException {
        send(command, args, id);
        return readReply(timeout, "reply to " + command);
    }

    /** {@link #execute(String)}, throwing {@link QgaErrorException} for an error reply. */
    public QgaReply executeOrThrow(String command) throws IOException {
        return execute(command).orThrow();
    }

    /** {@link #execute(String, Map)}, throwing {@link QgaErrorException} for an error reply. */
    public QgaReply executeOrThrow(String command, Map<String, ?> args) throws IOException {
        return execute(command, args).orThrow();
    }

    /** {@link #executeNoReply(String, Map, Duration)} with {@link #DEFAULT_NO_REPLY_WAIT}. */
    public Optional<QgaReply> executeNoReply(String command, Map<String, ?> args) throws IOException {
        return executeNoReply(command, args, DEFAULT_NO_REPLY_WAIT);
    }

    /**
     * Runs a command that sends no reply on success ({@link #NO_REPLY_COMMANDS}). Waits up to
     * {@code wait} for a reply: empty means success (nothing arrived, or the agent closed the
     * connection, as a guest going down does); a present reply is normally an error.
     */
    public Optional<QgaReply> executeNoReply(String command, Map<String, ?> args, Duration wait)
            throws IOException {
        send(command, args, null);
        try {
            return Optional.of(readReply(wait, "error reply to " + command));
        } catch (SocketTimeoutException | EOFException e) {
            return Optional.empty();
        }
    }

    /** Sends one request line ({@code Json.write} + {@code "\n"}) without reading anything. */
    public void send(String command, Map<String, ?> args, Object id) throws IOException {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("execute", Objects.requireNonNull(command, "command"));
        if (args != null) {
            req.put("arguments", args);
        }
        if (id != null) {
            req.put("id", id);
        }
        sendRaw((Json.write(req) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Sends bytes verbatim (garbage, split requests, pipelined requests, a lone 0xFF). */
    public void sendRaw(byte[] bytes) throws IOException {
        ensureOpen();
        output.writeFully(ByteBuffer.wrap(bytes), deadline(timeout), peer);
    }

    /** Sends a string verbatim, UTF-8 encoded (no newline is added). */
    public void sendRaw(String text) throws IOException {
        sendRaw(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads the next reply, waiting up to the client's timeout. */
    public QgaReply readReply() throws IOException {
        return readReply(timeout);
    }

    /** Reads the next reply object, waiting up to {@code wait}. */
    public QgaReply readReply(Duration wait) throws IOException {
        return readReply(wait, "reply");
    }

    private QgaReply readReply(Duration wait, String what) throws IOException {
        return toReply(nextFrame(deadline(wait), what, wait));
    }

    /**
     * Every reply arriving until the agent has been quiet for {@code quiet} (or the client's
     * timeout has passed in total, or the agent closed the stream). An incomplete reply at the
     * end stays buffered for the next read.
     */
    public List<QgaReply> readAvailable(Duration quiet) throws IOException {
        List<QgaReply> replies = new ArrayList<>();
        long hardDeadline = deadline(timeout.compareTo(quiet) > 0 ? timeout : quiet);
        while (true) {
            ReplyFramer.Frame f;
            while ((f = framer.next()) != null) {
                replies.add(toReply(f));
            }
            long left = Math.min(quiet.toNanos(), hardDeadline - System.nanoTime());
            if (left <= 0 || readSome(left) <= 0) {
                return replies;
            }
        }
    }

    /**
     * All bytes (already buffered or arriving) until the agent has been quiet for {@code quiet},
     * exactly as sent, sentinels included; for byte-exact comparisons with transcripts.
     */
    public byte[] readRaw(Duration quiet) throws IOException {
        long hardDeadline = deadline(timeout.compareTo(quiet) > 0 ? timeout : quiet);
        while (true) {
            long left = Math.min(quiet.toNanos(), hardDeadline - System.nanoTime());
            if (left <= 0 || readSome(left) <= 0) {
                return framer.drain();
            }
        }
    }

    /** Closes the channels. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException first = null;
        for (Closeable c : resources) {
            try {
                c.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private ReplyFramer.Frame nextFrame(long deadline, String what, Duration budget) throws IOException {
        while (true) {
            ReplyFramer.Frame f = framer.next();
            if (f != null) {
                return f;
            }
            fill(deadline, what, budget);
        }
    }

    /** Reads at least one byte before {@code deadline}, or throws timeout / EOF. */
    private void fill(long deadline, String what, Duration budget) throws IOException {
        long left = deadline - System.nanoTime();
        int n = left <= 0 ? 0 : readSome(left);
        if (n == 0) {
            throw new SocketTimeoutException("no " + what + " from " + peer + " within " + seconds(budget)
                    + (framer.hasPartial() ? " (a reply was cut off)" : ""));
        }
        if (n < 0) {
            throw new EOFException(peer + " closed the connection while waiting for " + what
                    + (framer.hasPartial() ? " (in the middle of a reply)" : ""));
        }
    }

    private int readSome(long timeoutNanos) throws IOException {
        ensureOpen();
        readBuf.clear();
        int n = input.read(readBuf, timeoutNanos);
        if (n > 0) {
            framer.append(readBuf.array(), 0, n);
        }
        return n;
    }

    private static QgaReply toReply(ReplyFramer.Frame f) throws QgaProtocolException {
        if (!f.object()) {
            throw new QgaProtocolException("agent sent a line that is not a JSON object", f.text(), null);
        }
        return QgaReply.parse(f.text(), f.delimited());
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("QGA client is closed");
        }
    }

    private static long deadline(Duration d) {
        return System.nanoTime() + d.toNanos();
    }

    /** "10 s", "0.3 s": durations in messages. */
    static String seconds(Duration d) {
        long ms = d.toMillis();
        return (ms % 1000 == 0 ? String.valueOf(ms / 1000) : String.valueOf(ms / 1000.0)) + " s";
    }

    private static void sleep(long nanos) throws InterruptedIOException {
        try {
            Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while connecting");
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing useful to do
        }
    }
}
