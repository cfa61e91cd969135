// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Records every handler call with its thread; waits (with hang guards) for what a test expects. */
final class RecordingHandler implements Link.Handler {
    static final long GUARD_MILLIS = 15_000;

    /** One handler call. */
    record Event(String kind, Link link, byte[] data, String thread) {}

    final List<Event> events = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private final AtomicReference<Throwable> throwOnConnect = new AtomicReference<>();
    private final AtomicReference<Throwable> throwOnReceive = new AtomicReference<>();

    /** The next {@code connected} call records its event, then throws {@code t} (once). */
    void throwOnNextConnect(Throwable t) {
        throwOnConnect.set(t);
    }

    /** The next {@code received} call records its data, then throws {@code t} (once). */
    void throwOnNextReceive(Throwable t) {
        throwOnReceive.set(t);
    }

    @Override
    public void connected(Link link) {
        add(new Event("connected", link, null, Thread.currentThread().getName()));
        rethrow(throwOnConnect.getAndSet(null));
    }

    @Override
    public void received(Link link, ByteBuffer data) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        add(new Event("received", link, b, Thread.currentThread().getName()));
        rethrow(throwOnReceive.getAndSet(null));
    }

    private static void rethrow(Throwable t) {
        if (t instanceof Error) {
            throw (Error) t;
        }
        if (t instanceof RuntimeException) {
            throw (RuntimeException) t;
        }
    }

    @Override
    public void disconnected(Link link) {
        add(new Event("disconnected", link, null, Thread.currentThread().getName()));
    }

    private void add(Event e) {
        synchronized (lock) {
            events.add(e);
            lock.notifyAll();
        }
    }

    private interface Cond {
        boolean met();
    }

    private void await(Cond c, String what) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GUARD_MILLIS);
        synchronized (lock) {
            while (!c.met()) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    fail("hang guard: no " + what + "; events: " + summary());
                }
                try {
                    lock.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    fail("interrupted waiting for " + what);
                }
            }
        }
    }

    /** The links that connected so far, in order. */
    List<Link> connectedLinks() {
        List<Link> out = new ArrayList<>();
        for (Event e : events) {
            if (e.kind().equals("connected")) {
                out.add(e.link());
            }
        }
        return out;
    }

    /** Waits for the {@code n}-th (1-based) connected link. */
    Link awaitConnected(int n) {
        await(() -> connectedLinks().size() >= n, n + ". connected");
        Link l = connectedLinks().get(n - 1);
        assertNotNull(l);
        return l;
    }

    /** Waits until {@code link} was reported disconnected. */
    void awaitDisconnected(Link link) {
        await(() -> count("disconnected", link) > 0, "disconnected of " + link.describe());
    }

    long count(String kind, Link link) {
        return events.stream().filter(e -> e.kind().equals(kind) && (link == null || e.link() == link)).count();
    }

    /** All bytes received on {@code link}, concatenated. */
    byte[] bytes(Link link) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Event e : events) {
            if (e.kind().equals("received") && e.link() == link) {
                out.writeBytes(e.data());
            }
        }
        return out.toByteArray();
    }

    /** Waits until at least {@code n} bytes arrived on {@code link}; returns all of them. */
    byte[] awaitBytes(Link link, int n) {
        await(() -> bytes(link).length >= n, n + " bytes");
        return bytes(link);
    }

    /** The received chunks (messages) on {@code link}. */
    List<byte[]> messages(Link link) {
        List<byte[]> out = new ArrayList<>();
        for (Event e : events) {
            if (e.kind().equals("received") && e.link() == link) {
                out.add(e.data());
            }
        }
        return out;
    }

    /** Waits until {@code n} messages arrived on {@code link}. */
    List<byte[]> awaitMessages(Link link, int n) {
        await(() -> messages(link).size() >= n, n + " messages");
        return messages(link);
    }

    /** Every call so far came from the event loop thread. */
    void assertAllOnLoop() {
        for (Event e : events) {
            assertEquals(IoLoop.THREAD_NAME, e.thread(), e.kind());
        }
    }

    /** Per link: connected first, at most one disconnected, nothing after it. */
    void assertOrderPerLink() {
        for (Link l : connectedLinks()) {
            List<String> kinds = new ArrayList<>();
            for (Event e : events) {
                if (e.link() == l) {
                    kinds.add(e.kind());
                }
            }
            assertEquals("connected", kinds.get(0), kinds.toString());
            int d = kinds.indexOf("disconnected");
            if (d >= 0) {
                assertEquals(kinds.size() - 1, d, kinds.toString());
            }
            assertEquals(1, kinds.stream().filter("connected"::equals).count(), kinds.toString());
        }
    }

    String summary() {
        StringBuilder sb = new StringBuilder();
        for (Event e : events) {
            sb.append(e.kind()).append('(').append(e.link().describe());
            if (e.data() != null) {
                sb.append(", ").append(e.data().length).append(" bytes");
            }
            sb.append(") ");
        }
        return sb.toString();
    }
}
