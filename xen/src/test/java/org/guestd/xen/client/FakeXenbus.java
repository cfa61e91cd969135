// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.guestd.jna.linux.NativeException;
import org.guestd.transport.Link;
import org.guestd.transport.Transport;
import org.guestd.transport.XenbusTransport;
import org.guestd.xen.wire.XsDecoder;
import org.guestd.xen.wire.XsMessage;

/**
 * A scripted xenbus device for the client's unit tests: every {@link #next()} is one open; the test
 * reads what the client wrote ({@link #sent()}) and answers byte by byte as it likes.
 */
final class FakeXenbus implements XenstoreClient.Connector {
    final List<FakeLink> opens = new ArrayList<>();
    int failOpens;
    boolean exhausted;

    @Override
    public Transport next() throws IOException {
        if (exhausted) {
            return null;
        }
        if (failOpens > 0) {
            failOpens--;
            throw new IOException("no device yet");
        }
        FakeLink l = new FakeLink();
        opens.add(l);
        return l.transport;
    }

    @Override
    public String describe() {
        return "fake";
    }

    FakeLink current() {
        return opens.get(opens.size() - 1);
    }

    /** One open of the device. */
    static final class FakeLink implements Link {
        Link.Handler handler;
        boolean open;
        final List<XsMessage> sent = new ArrayList<>();
        private final XsDecoder decoder = new XsDecoder();
        final Transport transport = new Transport() {
            @Override
            public void start(Link.Handler h) {
                handler = h;
                open = true;
                h.connected(FakeLink.this);
            }

            @Override
            public String describe() {
                return "fake";
            }

            @Override
            public void close() {
                open = false;
            }
        };

        @Override
        public void write(ByteBuffer data) {
            decoder.feed(data.duplicate(), sent::add);
        }

        @Override
        public void close() {
            if (open) {
                open = false;
                handler.disconnected(this);
            }
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public String describe() {
            return "fake-link";
        }

        /** The device sends raw bytes. */
        void receive(byte[] bytes) {
            handler.received(this, ByteBuffer.wrap(bytes));
        }

        /** The device sends messages, all in one read. */
        void receive(XsMessage... messages) {
            ByteBuffer all = ByteBuffer.allocate(64 * 1024);
            for (XsMessage m : messages) {
                all.put(m.encode());
            }
            all.flip();
            handler.received(this, all);
        }

        /** The device refuses a written message at write time. */
        void refuse(XsMessage m, int errno) {
            ((XenbusTransport.RefusalHandler) handler).refused(this, m.encode(), errno, "E" + errno);
        }

        /** The device goes away. */
        void vanish() {
            close();
        }
    }
}
