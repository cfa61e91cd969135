// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.guestd.e2e.Verdict.CaseFailure;
import org.guestd.e2e.Verdict.NotImplemented;
import org.guestd.e2e.Verdict.Skip;
import org.guestd.host.qga.QgaClient;
import org.guestd.host.qga.QgaReply;

/**
 * What a case works with: the booted VM, the agent under test through the project's host client
 * ({@link QgaClient}), the guest's control shell, QMP, and the place to note measured values.
 */
public final class Session implements AutoCloseable {

    /** Deadline for one agent reply once the agent runs (TCG on a shared machine is slow). */
    public static final Duration REPLY_TIMEOUT = Duration.ofSeconds(60);
    /** Deadline for the agent to answer after a boot, reboot or restart. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(240);

    private final Vm vm;
    private final Agent agent;
    private final GuestShell shell;
    private final Map<String, String> metrics = new LinkedHashMap<>();
    private final StringBuilder notes = new StringBuilder();
    private QgaClient qga;
    private Qmp qmp;

    Session(Vm vm, Agent agent, GuestShell shell) {
        this.vm = vm;
        this.agent = agent;
        this.shell = shell;
    }

    /** The VM. */
    public Vm vm() {
        return vm;
    }

    /** The agent under test. */
    public Agent agent() {
        return agent;
    }

    /** The guest's control shell. */
    public GuestShell shell() {
        return shell;
    }

    /** QMP, connected on first use. */
    public Qmp qmp() throws IOException {
        if (qmp == null) {
            qmp = Qmp.connect(vm.qmpSocket(), Duration.ofSeconds(30));
        }
        return qmp;
    }

    /** A connected, synchronised client of the agent (connects and syncs on first use). */
    public QgaClient qga() throws IOException {
        if (qga == null) {
            QgaClient c = QgaClient.connect(vm.qgaSocket(), Duration.ofSeconds(30));
            try {
                c.timeout(START_TIMEOUT).sync();
                c.timeout(REPLY_TIMEOUT);
            } catch (IOException | RuntimeException e) {
                c.close();
                throw e;
            }
            qga = c;
        }
        return qga;
    }

    /** Closes the agent connection (the host disconnects); the next {@link #qga()} reconnects. */
    public void disconnect() {
        if (qga != null) {
            try {
                qga.close();
            } catch (IOException ignored) {
                // already broken
            }
            qga = null;
        }
    }

    /** Runs a command; {@code CommandNotFound} becomes {@link NotImplemented}, other errors are returned. */
    public QgaReply call(String command, Map<String, ?> args) throws IOException {
        QgaReply r = qga().execute(command, args);
        if (r.isError() && "CommandNotFound".equals(r.errorClass())) {
            throw new NotImplemented(command, r.errorDesc());
        }
        return r;
    }

    /** Runs a command that must succeed and returns its {@code return} value. */
    public Object ok(String command, Map<String, ?> args) throws IOException {
        QgaReply r = call(command, args);
        if (r.isError()) {
            throw new CaseFailure(command + " -> " + r.errorClass() + ": " + r.errorDesc());
        }
        return r.returnValue();
    }

    /** {@link #ok} for commands without arguments. */
    public Object ok(String command) throws IOException {
        return ok(command, null);
    }

    /** {@link #ok} expecting an object. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> okMap(String command) throws IOException {
        Object v = ok(command);
        check(v instanceof Map, command + " returned " + v + ", not an object");
        return (Map<String, Object>) v;
    }

    /** {@link #ok} expecting an array. */
    @SuppressWarnings("unchecked")
    public List<Object> okList(String command) throws IOException {
        Object v = ok(command);
        check(v instanceof List, command + " returned " + v + ", not an array");
        return (List<Object>) v;
    }

    /** Fails the case with {@code message} unless {@code condition} holds. */
    public static void check(boolean condition, String message) {
        if (!condition) {
            throw new CaseFailure(message);
        }
    }

    /** Ends the case as skipped: the guest cannot offer what it needs. */
    public static Skip skip(String reason) {
        return new Skip(reason);
    }

    /** Adds a measured value or observation to the case's report line. */
    public void note(String text) {
        if (notes.length() > 0) {
            notes.append("; ");
        }
        notes.append(text);
    }

    /** Records a suite-level measurement (first reply, RSS) for the report and BENCHMARKS.md. */
    public void metric(String key, String value) {
        metrics.put(key, value);
    }

    Map<String, String> metrics() {
        return metrics;
    }

    String takeNotes() {
        String s = notes.toString();
        notes.setLength(0);
        return s;
    }

    @Override
    public void close() throws IOException {
        disconnect();
        if (qmp != null) {
            qmp.close();
        }
        shell.close();
    }
}
