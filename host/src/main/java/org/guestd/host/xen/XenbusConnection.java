// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.xen;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.Posix;
import org.guestd.jna.linux.SocketPairs;

/**
 * One open of the emulated {@code /dev/xen/xenbus}: a SOCK_STREAM socketpair whose guest end goes to
 * the agent ({@link #handOver()} in-process, {@link #guestFd()} + {@link #closeGuestEnd()} for a
 * child), served on its own thread. Like the kernel device it takes whole messages, answers each with
 * its {@code req_id} and {@code tx_id}, and builds WATCH_EVENT headers with only type and length.
 * A message longer than the device takes ({@code 16 + len > 4096}) is recorded as a
 * {@link #violations() violation} and ends the connection (xenstored kills such a connection).
 */
public final class XenbusConnection implements AutoCloseable {
    private static final int DEVICE_MAX = XsWire.PAYLOAD_MAX - XsWire.HEADER;

    private final Xenstored store;
    private final XsRequests requests;
    private final int hostFd;
    private int guestFd;
    private final Thread thread;
    private final Object writeLock = new Object();
    private final ByteBuffer out = ByteBuffer.allocateDirect(64 * 1024);
    /** Messages for the guest, written by the serving thread without blocking (a guest that does not read never blocks the store). */
    private final ConcurrentLinkedQueue<byte[]> outbox = new ConcurrentLinkedQueue<>();
    private int headWritten;
    private final List<XsWire.Msg> held = new ArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final List<XsWire.Msg> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger requestCount = new AtomicInteger();
    private volatile boolean closed;
    private boolean fdClosed;

    XenbusConnection(Xenstored store) throws NativeException {
        this.store = store;
        this.requests = new XsRequests(store, this);
        int[] sv = SocketPairs.stream();
        hostFd = sv[0];
        guestFd = sv[1];
        Posix.setNonBlockingCloexec(hostFd);
        thread = new Thread(this::serve, "xenstored-emulator-" + hostFd);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** The guest end as a transport path, {@code fd:N}. */
    public String guestPath() {
        return "fd:" + guestFd;
    }

    /** The guest end's descriptor (to hand to a child at a chosen number). */
    public int guestFd() {
        return guestFd;
    }

    /** Gives the guest end to an in-process transport, which will close it; returns {@code fd:N}. */
    public synchronized String handOver() {
        String p = guestPath();
        guestFd = -1;
        return p;
    }

    /** Closes the guest end here, after a child got its own copy. */
    public synchronized void closeGuestEnd() {
        if (guestFd >= 0) {
            closeQuietly(guestFd);
            guestFd = -1;
        }
    }

    /** Oversized or malformed messages the guest sent (each ended the connection). */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    /** Every message the guest sent, in order. */
    public List<XsWire.Msg> received() {
        return List.copyOf(received);
    }

    /** Requests handled so far. */
    public int requestCount() {
        return requestCount.get();
    }

    /** Whether the connection still runs. */
    public boolean isOpen() {
        return !closed;
    }

    private void serve() {
        XsWire.Framer framer = new XsWire.Framer();
        ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
        byte[] chunk = new byte[64 * 1024];
        try {
            while (!closed) {
                short want = (short) (XenHostLibc.POLLIN | (outbox.isEmpty() ? 0 : XenHostLibc.POLLOUT));
                int rev = XenHostLibc.poll(hostFd, want, 20);
                flushOut();
                if ((rev & ~XenHostLibc.POLLOUT) == 0) {
                    continue;
                }
                in.clear();
                int n = Posix.read(hostFd, in);
                if (n == 0) {
                    continue; // would block
                }
                if (n < 0) {
                    break; // the agent closed its end
                }
                in.flip();
                in.get(chunk, 0, n);
                framer.add(chunk, 0, n);
                if (framer.announcedLength() > DEVICE_MAX) {
                    violations.add("a message announcing " + framer.announcedLength() + " payload bytes");
                    break;
                }
                List<XsWire.Msg> batch = new ArrayList<>();
                XsWire.Msg m;
                while ((m = framer.next()) != null) {
                    batch.add(m);
                }
                alias(batch);
                for (XsWire.Msg msg : batch) {
                    if (closed) {
                        break;
                    }
                    received.add(msg);
                    requestCount.incrementAndGet();
                    int left = store.faults().closeAfterRequests.get();
                    if (left > 0 && store.faults().closeAfterRequests.decrementAndGet() == 0) {
                        closeFd();
                        return;
                    }
                    requests.handle(msg);
                }
                if (framer.announcedLength() > DEVICE_MAX) {
                    violations.add("a message announcing " + framer.announcedLength() + " payload bytes");
                    break;
                }
                if (!XenHostLibc.readable(hostFd, 0)) {
                    flushHeld();
                }
                flushOut();
            }
        } catch (NativeException | RuntimeException e) {
            if (!closed) {
                violations.add("emulator: " + e);
            }
        }
        closeFd();
    }

    /**
     * What the Linux device does to requests written before the previous one was answered: it queues
     * each forwarded request (all but WATCH/UNWATCH, which it handles synchronously) with its body
     * still in the open file's single message buffer, so when the xenbus thread copies them to the
     * ring they all carry the last request's bytes (cut or zero-padded to their own length).
     * Recorded as a violation; off with {@link XsFaults#kernelBodyAliasing}.
     */
    private void alias(List<XsWire.Msg> batch) {
        List<Integer> forwarded = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            int t = batch.get(i).type();
            if (t != XsWire.WATCH && t != XsWire.UNWATCH) {
                forwarded.add(i);
            }
        }
        if (forwarded.size() < 2) {
            return;
        }
        violations.add("pipelined: " + forwarded.size() + " forwarded requests written before a reply");
        if (!store.faults().kernelBodyAliasing) {
            return;
        }
        byte[] last = batch.get(forwarded.get(forwarded.size() - 1)).payload();
        for (int i : forwarded) {
            XsWire.Msg m = batch.get(i);
            batch.set(i, new XsWire.Msg(m.type(), m.reqId(), m.txId(), Arrays.copyOf(last, m.payload().length)));
        }
    }

    /** A reply to the guest's request (held and reversed while replies go out of order). */
    void reply(XsWire.Msg m) {
        XsFaults f = store.faults();
        if (f.swallowReplies) {
            return;
        }
        if (f.garbageBeforeNextReply) {
            f.garbageBeforeNextReply = false;
            send(new XsWire.Msg(XsWire.READ, 7, 0, new byte[0]).bytes(), 1 << 20);
        }
        if (f.unknownTypeBeforeReplies) {
            send(new XsWire.Msg(0x7777, m.reqId(), 0, new byte[0]).bytes(), -1);
        }
        if (f.repliesOutOfOrder) {
            synchronized (held) {
                held.add(m);
            }
        } else {
            send(m.bytes(), -1);
        }
    }

    private void flushHeld() {
        List<XsWire.Msg> batch;
        synchronized (held) {
            batch = new ArrayList<>(held);
            held.clear();
        }
        Collections.reverse(batch);
        for (XsWire.Msg m : batch) {
            send(m.bytes(), -1);
        }
    }

    /** A watch event: the kernel sets only type and length. */
    void event(String path, String token) {
        send(new XsWire.Msg(XsWire.WATCH_EVENT, 0, 0, XsWire.strings(path, token)).bytes(), -1);
    }

    /** The guest kernel registered every watch again (a resume): each fires once (under the store's lock). */
    void reregistered() {
        requests.reregistered();
    }

    /** Called by the store for every change (under its lock). */
    void changed(String path, boolean removal, List<String> removed) {
        requests.changed(path, removal, removed);
    }

    /** Queues one message for the guest; {@code fakeLength} >= 0 overwrites the header's length (garbage). */
    private void send(byte[] bytes, int fakeLength) {
        if (fakeLength >= 0) {
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(12, fakeLength);
        }
        if (!closed) {
            outbox.add(bytes);
        }
    }

    /** Writes queued messages until done or the socket is full (serving thread only). */
    private void flushOut() {
        byte[] head;
        while (!closed && (head = outbox.peek()) != null) {
            out.clear();
            int n = Math.min(out.capacity(), head.length - headWritten);
            out.put(head, headWritten, n).flip();
            int w;
            try {
                w = Posix.write(hostFd, out);
            } catch (NativeException e) {
                closed = true; // the agent closed its end
                return;
            }
            if (w == 0) {
                return;
            }
            headWritten += w;
            if (headWritten == head.length) {
                outbox.poll();
                headWritten = 0;
            }
        }
    }

    /**
     * The device goes away: the guest sees end of file within the serving thread's poll interval
     * (200 ms). Only the serving thread closes the descriptor, so its number is never reused under it.
     */
    @Override
    public void close() {
        synchronized (writeLock) {
            closed = true;
        }
        if (Thread.currentThread() == thread || !thread.isAlive()) {
            closeFd();
        }
    }

    private void closeFd() {
        synchronized (writeLock) {
            closed = true;
            if (fdClosed) {
                return;
            }
            fdClosed = true;
            closeQuietly(hostFd);
        }
        requests.closed();
    }

    private static void closeQuietly(int fd) {
        try {
            Posix.close(fd);
        } catch (NativeException e) {
            // already gone
        }
    }
}
