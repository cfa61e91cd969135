// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The accept and link path of {@link VsockListenTransport} (accept4 on an EpollIoHandle, one
 * {@link FdLink} per client), run on an inherited AF_UNIX listening socket ({@code fd:N}): the
 * code after socket/bind/listen does not depend on the address family, and this kernel has no
 * vsock loopback to run it on AF_VSOCK.
 */
class VsockAcceptPathTest extends AbstractTransportContractTest {
    @TempDir
    Path dir;

    private String spec;

    private Path sock() {
        return dir.resolve("accept.sock");
    }

    @Override
    protected Transport newTransport(IoLoop loop) throws Exception {
        Socket listening = Socket.newSocketDomain();
        listening.bind(new DomainSocketAddress(sock().toString()));
        listening.listen(8);
        spec = "fd:" + listening.intValue();
        return Transports.create(Method.VSOCK_LISTEN, spec, loop);
    }

    @Override
    protected Peer newPeer() throws Exception {
        return new UnixPeer(sock());
    }

    @Override
    protected String linkPrefix() {
        return "vsock:" + spec + "#";
    }

    @Test
    void acceptsSeveralClients() throws Exception {
        transport = newTransport(loop);
        transport.start(handler);
        UnixPeer a = new UnixPeer(sock());
        UnixPeer b = new UnixPeer(sock());
        handler.awaitConnected(2);
        List<Link> links = handler.connectedLinks();
        for (Link l : links) {
            l.write(buf(ascii("hi")));
        }
        assertArrayEquals(ascii("hi"), a.receive(2));
        assertArrayEquals(ascii("hi"), b.receive(2));
        a.close();
        b.close();
        handler.awaitDisconnected(links.get(0));
        handler.awaitDisconnected(links.get(1));
        try (UnixPeer c = new UnixPeer(sock())) { // still listening
            Link l = handler.awaitConnected(3);
            c.send(ascii("x"));
            assertArrayEquals(ascii("x"), handler.awaitBytes(l, 1));
        }
        assertEquals(3, handler.count("connected", null));
        handler.assertOrderPerLink();
    }
}
