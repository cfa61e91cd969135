// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixListenTransportTest extends AbstractTransportContractTest {
    @TempDir
    Path dir;

    private Path sock() {
        return dir.resolve("qga.sock");
    }

    @Override
    protected Transport newTransport(IoLoop loop) {
        return Transports.create(Method.UNIX_LISTEN, sock().toString(), loop);
    }

    @Override
    protected Peer newPeer() throws Exception {
        return new UnixPeer(sock());
    }

    @Override
    protected String linkPrefix() {
        return "unix:" + sock() + "#";
    }

    @Test
    void severalClientsEachGetTheirOwnLink() throws Exception {
        transport = newTransport(loop);
        transport.start(handler);
        UnixPeer a = new UnixPeer(sock());
        try (UnixPeer b = new UnixPeer(sock()); UnixPeer c = new UnixPeer(sock())) {
            handler.awaitConnected(3);
            List<Link> links = handler.connectedLinks();
            assertEquals(3, new HashSet<>(links).size());
            Set<String> names = new HashSet<>();
            links.forEach(l -> names.add(l.describe()));
            assertEquals(3, names.size(), names.toString());

            // find which link is whose by echoing a marker through each client
            a.send(ascii("a"));
            b.send(ascii("bb"));
            c.send(ascii("ccc"));
            Link la = null;
            Link lb = null;
            for (Link l : links) {
                int n = handler.awaitBytes(l, 1).length;
                byte first = handler.bytes(l)[0];
                if (first == 'a') {
                    la = l;
                } else if (first == 'b') {
                    lb = l;
                    assertArrayEquals(ascii("bb"), handler.awaitBytes(l, 2));
                }
                assertTrue(n >= 1);
            }
            lb.write(buf(ascii("only-b")));
            assertArrayEquals(ascii("only-b"), b.receive(6));

            a.close();
            handler.awaitDisconnected(la);
            assertTrue(lb.isOpen(), "other clients stay connected");
            lb.write(buf(ascii("still")));
            assertArrayEquals(ascii("still"), b.receive(5));
            assertEquals(1, handler.count("disconnected", null));
        } finally {
            a.close();
        }
    }

    @Test
    void replacesAStaleSocketAndMakesItPrivate() throws Exception {
        try (ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stale.bind(UnixDomainSocketAddress.of(sock()));
        }
        assertTrue(Files.exists(sock()), "a stale socket file is left behind");
        transport = newTransport(loop);
        transport.start(handler);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock())));
        peer = newPeer();
        handler.awaitConnected(1);
        transport.close();
        assertFalse(Files.exists(sock()), "removed on close");
    }

    @Test
    void refusesToReplaceSomethingThatIsNotASocket() throws Exception {
        Files.writeString(sock(), "precious");
        transport = newTransport(loop);
        IOException e = assertThrows(IOException.class, () -> transport.start(handler));
        assertTrue(e.getMessage().contains("not a socket"), e.getMessage());
        assertEquals("precious", Files.readString(sock()));
    }

    @Test
    void adoptsAnInheritedListeningSocket() throws Exception {
        Socket listening = Socket.newSocketDomain();
        listening.bind(new DomainSocketAddress(sock().toString()));
        listening.listen(4);
        transport = Transports.create(Method.UNIX_LISTEN, "fd:" + listening.intValue(), loop);
        transport.start(handler);
        peer = newPeer();
        Link link = handler.awaitConnected(1);
        peer.send(ascii("ping"));
        assertArrayEquals(ascii("ping"), handler.awaitBytes(link, 4));
        link.write(buf(ascii("pong")));
        assertArrayEquals(ascii("pong"), peer.receive(4));
    }

    @Test
    void listensInTheAbstractNamespace() throws Exception {
        String name = "guestd-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        transport = Transports.create(Method.UNIX_LISTEN, "@" + name, loop);
        transport.start(handler);
        Socket client = Socket.newSocketDomain();
        try {
            assertTrue(client.connect(new DomainSocketAddress("\0" + name)));
            Link link = handler.awaitConnected(1);
            ByteBuffer b = ByteBuffer.allocateDirect(4);
            b.put(ascii("abst")).flip();
            client.write(b, 0, 4);
            assertArrayEquals(ascii("abst"), handler.awaitBytes(link, 4));
        } finally {
            client.close();
        }
    }
}
