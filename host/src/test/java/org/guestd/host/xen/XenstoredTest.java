// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.guestd.jna.linux.Posix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The emulator as a guest sees it: raw messages on the guest end of a connection. */
class XenstoredTest {
    private Xenstored xs;
    private Guest g;

    /** A blocking raw client on the guest end. */
    static final class Guest implements AutoCloseable {
        final int fd;
        final XsWire.Framer framer = new XsWire.Framer();
        final ByteBuffer buf = ByteBuffer.allocateDirect(65536);
        int nextReq = 1;

        Guest(XenbusConnection c) {
            fd = Integer.parseInt(c.handOver().substring(3));
        }

        int send(int type, int tx, byte[] payload) throws IOException {
            int id = nextReq++;
            sendRaw(new XsWire.Msg(type, id, tx, payload).bytes());
            return id;
        }

        void sendRaw(byte[] b) throws IOException {
            ByteBuffer d = ByteBuffer.allocateDirect(b.length);
            d.put(b).flip();
            Posix.write(fd, d);
        }

        XsWire.Msg next() throws IOException {
            XsWire.Msg m;
            while ((m = framer.next()) == null) {
                if (!XenHostLibc.readable(fd, 5000)) {
                    throw new IOException("no message within 5 s");
                }
                buf.clear();
                int n = Posix.read(fd, buf);
                if (n < 0) {
                    throw new EOFException();
                }
                buf.flip();
                byte[] b = new byte[n];
                buf.get(b);
                framer.add(b, 0, n);
            }
            return m;
        }

        /** A request and its reply (events before it are returned by {@link #next()} callers' own logic). */
        XsWire.Msg call(int type, int tx, String... parts) throws IOException {
            int id = send(type, tx, XsWire.strings(parts));
            XsWire.Msg m = next();
            assertEquals(id, m.reqId(), "the reply echoes req_id");
            return m;
        }

        XsWire.Msg callRaw(int type, int tx, byte[] payload) throws IOException {
            int id = send(type, tx, payload);
            XsWire.Msg m = next();
            assertEquals(id, m.reqId(), "the reply echoes req_id");
            return m;
        }

        String err(int type, String... parts) throws IOException {
            XsWire.Msg m = call(type, 0, parts);
            return m.type() == XsWire.ERROR ? m.parts().get(0) : "OK";
        }

        boolean quiet(int millis) {
            return framer.announcedLength() < 0 && !XenHostLibc.readable(fd, millis);
        }

        @Override
        public void close() {
            try {
                Posix.close(fd);
            } catch (IOException e) {
                // gone
            }
        }
    }

    private Guest open(boolean controlWritable) throws IOException {
        xs = new Xenstored(5, "guest", controlWritable);
        g = new Guest(xs.connect());
        return g;
    }

    @AfterEach
    void tearDown() {
        if (g != null) {
            g.close();
        }
        if (xs != null) {
            xs.close();
        }
    }

    private static byte[] write(String path, String value) {
        return (path + "\0" + value).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void libxlLayoutAndPermissions() throws IOException {
        open(false);
        assertEquals("5", new String(g.call(XsWire.READ, 0, "domid").payload(), StandardCharsets.UTF_8));
        assertEquals("guest", new String(g.call(XsWire.READ, 0, "/local/domain/5/name").payload(), StandardCharsets.UTF_8));
        assertEquals(XsWire.WRITE, g.callRaw(XsWire.WRITE, 0, write("data/x", "v")).type());
        assertEquals("EACCES", g.err(XsWire.WRITE, "control/feature-balloon", "1"), "control/ is read-only as libxl makes it");
        assertEquals("OK", g.err(XsWire.WRITE, "control/feature-poweroff", "1"), "the guest owns control/feature-poweroff");
        assertEquals("EACCES", g.err(XsWire.READ, "/local/domain/0/name"), "another domain's tree");
        assertEquals("EACCES", g.err(XsWire.READ, "/local/domain/0/nothing"), "a missing node under an unreadable one");
        assertEquals("ENOENT", g.err(XsWire.READ, "data/nothing"));
        assertEquals("EINVAL", g.err(XsWire.READ, "data//x"));
        assertEquals("ENOENT", g.err(XsWire.RM, "data/a/b"), "rm under a missing parent");
        assertEquals("OK", g.err(XsWire.RM, "data/absent"), "rm of an absent node whose parent exists");
        assertEquals(List.of("n5"), g.call(XsWire.GET_PERMS, 0, "data/x").parts());
        assertEquals("EACCES", g.err(XsWire.SET_PERMS, "device", "n5"), "only the owner sets permissions");
        assertEquals("v", xs.read("data/x"));
    }

    @Test
    void controlWritableAsXenServer() throws IOException {
        open(true);
        assertEquals("OK", g.err(XsWire.WRITE, "control/feature-balloon", "1"));
        assertEquals(List.of("n5", "b5"), xs.perms("control/feature-balloon"), "created by the guest: it owns it");
    }

    @Test
    void watchFiresFirstOnRegistrationThenForChangesAtOrBelow() throws IOException {
        open(false);
        int id = g.send(XsWire.WATCH, 0, XsWire.strings("data", "tok"));
        XsWire.Msg first = g.next();
        assertEquals(XsWire.WATCH_EVENT, first.type(), "the event comes before the OK (the kernel's usual order)");
        assertEquals(0, first.reqId(), "the kernel sets only type and len");
        assertEquals(List.of("data", "tok"), first.parts());
        XsWire.Msg ok = g.next();
        assertEquals(id, ok.reqId());
        assertEquals(XsWire.WATCH, ok.type());
        xs.write("/local/domain/5/data/a/b", "x");
        assertEquals(List.of("data/a/b", "tok"), g.next().parts(), "relative watch, relative event path, parent's watch fires");
        xs.write("/local/domain/5/attr/y", "z");
        assertTrue(g.quiet(200), "no event for a sibling tree");
        assertEquals("EEXIST", g.err(XsWire.WATCH, "data", "tok"));
        g.send(XsWire.WATCH, 0, XsWire.strings("/local/domain/5/data/a/b", "abs"));
        g.next();
        g.next();
        xs.rm("data/a");
        List<List<String>> events = List.of(g.next().parts(), g.next().parts());
        assertTrue(events.contains(List.of("data/a", "tok")), events.toString());
        assertTrue(events.contains(List.of("/local/domain/5/data/a/b", "abs")), "a watched node inside a removed subtree fires");
        g.call(XsWire.UNWATCH, 0, "data", "tok");
        xs.write("data/c", "1");
        assertTrue(g.quiet(200));
    }

    @Test
    void transactionsConflictAndCommitAtomically() throws IOException {
        open(false);
        xs.write("data/x", "0");
        int tx = Integer.parseInt(g.call(XsWire.TRANSACTION_START, 0, "").parts().get(0));
        assertEquals("0", new String(g.call(XsWire.READ, tx, "data/x").payload(), StandardCharsets.UTF_8));
        xs.write("data/x", "1");
        g.callRaw(XsWire.WRITE, tx, write("data/y", "t"));
        assertNull(xs.read("data/y"), "invisible before the commit");
        XsWire.Msg end = g.call(XsWire.TRANSACTION_END, tx, "T");
        assertEquals(XsWire.ERROR, end.type());
        assertEquals("EAGAIN", end.parts().get(0));
        assertNull(xs.read("data/y"), "a failed commit changes nothing");
        int tx2 = Integer.parseInt(g.call(XsWire.TRANSACTION_START, 0, "").parts().get(0));
        g.call(XsWire.READ, tx2, "data/x");
        g.callRaw(XsWire.WRITE, tx2, write("data/y", "t2"));
        assertEquals(XsWire.TRANSACTION_END, g.call(XsWire.TRANSACTION_END, tx2, "T").type());
        assertEquals("t2", xs.read("data/y"));
        assertEquals("ENOENT", g.call(XsWire.READ, tx2, "data/x").parts().get(0), "an ended transaction is unknown");
    }

    @Test
    void faultPolicies() throws IOException {
        open(false);
        xs.faults().commitEagain.set(2);
        for (int i = 0; i < 3; i++) {
            int tx = Integer.parseInt(g.call(XsWire.TRANSACTION_START, 0, "").parts().get(0));
            XsWire.Msg end = g.call(XsWire.TRANSACTION_END, tx, "T");
            assertEquals(i < 2 ? XsWire.ERROR : XsWire.TRANSACTION_END, end.type(), "commit " + i);
        }
        xs.faults().e2bigOnWrite = true;
        assertEquals("E2BIG", g.err(XsWire.WRITE, "data/x", "1"));
        xs.faults().e2bigOnWrite = false;
        assertEquals("E2BIG", g.err(XsWire.WRITE, "data/x", "y".repeat(Xenstored.ENTRY_SIZE_MAX + 1)), "quota");
        xs.faults().eaccesUnder = "data";
        assertEquals("EACCES", g.err(XsWire.WRITE, "data/x", "1"));
        xs.faults().eaccesUnder = null;

        g.send(XsWire.WATCH, 0, XsWire.strings("data", "storm"));
        g.next();
        g.next();
        xs.watchStorm("data/x", 500);
        for (int i = 0; i < 500; i++) {
            assertEquals(List.of("data/x", "storm"), g.next().parts());
        }

        xs.faults().unknownTypeBeforeReplies = true;
        g.send(XsWire.READ, 0, XsWire.strings("domid"));
        assertEquals(0x7777, g.next().type());
        assertEquals(XsWire.READ, g.next().type());
        xs.faults().unknownTypeBeforeReplies = false;

        xs.faults().repliesOutOfOrder = true;
        int a = g.send(XsWire.READ, 0, XsWire.strings("domid"));
        int b = g.send(XsWire.READ, 0, XsWire.strings("name"));
        int first = g.next().reqId();
        int second = g.next().reqId();
        assertEquals(List.of(a, b), first < second ? List.of(first, second) : List.of(second, first));
        xs.faults().repliesOutOfOrder = false;

        xs.faults().closeAfterRequests.set(1);
        g.send(XsWire.READ, 0, XsWire.strings("domid"));
        try {
            g.next();
            throw new AssertionError("expected end of file");
        } catch (EOFException expected) {
            assertFalse(xs.connections().get(0).isOpen());
        }
    }

    @Test
    void oversizedMessageIsAViolationAndEndsTheConnection() throws IOException {
        open(false);
        g.sendRaw(new XsWire.Msg(XsWire.WRITE, 1, 0, new byte[XsWire.PAYLOAD_MAX - XsWire.HEADER + 1]).bytes());
        try {
            g.next();
            throw new AssertionError("expected end of file");
        } catch (EOFException expected) {
            assertEquals(1, xs.connections().get(0).violations().size());
        }
    }
}
