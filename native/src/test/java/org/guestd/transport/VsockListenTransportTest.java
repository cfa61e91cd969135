// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.Posix;
import org.guestd.jna.linux.Vsock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * vsock-listen. The contract tests need a vsock loopback (CID 1, the vsock_loopback transport);
 * where the kernel has none they are skipped with the reason, and only socket/bind/listen and the
 * address handling are tested.
 */
class VsockListenTransportTest extends AbstractTransportContractTest {
    /** Null when AF_VSOCK sockets can be made here, else why not. */
    private static String vsockMissing;
    /** Null when a loopback connection works, else why not. */
    private static String loopbackMissing;

    private VsockListenTransport vsock;

    @BeforeAll
    static void probe() {
        int listen;
        try {
            listen = Vsock.listen(Vsock.CID_ANY, Vsock.PORT_ANY, 1);
        } catch (NativeException e) {
            vsockMissing = e.getMessage();
            loopbackMissing = vsockMissing;
            return;
        }
        try {
            int client = Vsock.connect(Vsock.CID_LOCAL, Vsock.localPort(listen)); // kernel connect timeout: 2 s
            Posix.close(client);
        } catch (NativeException e) {
            loopbackMissing = "no vsock loopback (CID 1) on this kernel: " + e.getMessage();
        } finally {
            DeviceTransport.closeQuietly(listen);
        }
    }

    @Override
    protected Transport newTransport(IoLoop loop) {
        assumeTrue(loopbackMissing == null, () -> loopbackMissing);
        vsock = (VsockListenTransport) Transports.create(Method.VSOCK_LISTEN, "-1:-1", loop);
        return vsock;
    }

    @Override
    protected Peer newPeer() throws Exception {
        return new FdPeer(Vsock.connect(Vsock.CID_LOCAL, vsock.boundPort()), true);
    }

    @Override
    protected String linkPrefix() {
        return "vsock:-1:-1#";
    }

    @Test
    void bindsAndListensWhereVsockExists() throws Exception {
        VsockListenTransport t = new VsockListenTransport("-1:-1", loop);
        transport = t;
        if (vsockMissing != null) {
            NativeException e = assertThrows(NativeException.class, () -> t.start(handler));
            assertEquals("socket(AF_VSOCK)", e.call());
            assertTrue(e.getMessage().contains("EAFNOSUPPORT") || e.getMessage().contains("ENOSYS"), e.getMessage());
            return;
        }
        t.start(handler);
        assertTrue(Integer.toUnsignedLong(t.boundPort()) >= 1024, "an ephemeral port: " + t.boundPort());
        assertEquals("vsock-listen:-1:-1", t.describe());
        t.close();
        t.close();
    }

    @Test
    void twoListenersOnOnePortCollide() throws Exception {
        assumeTrue(vsockMissing == null, () -> vsockMissing);
        VsockListenTransport a = new VsockListenTransport("-1:-1", loop);
        transport = a;
        a.start(handler);
        String port = Integer.toUnsignedString(a.boundPort());
        VsockListenTransport b = new VsockListenTransport("4294967295:" + port, loop);
        NativeException e = assertThrows(NativeException.class, () -> b.start(handler));
        assertEquals("EADDRINUSE", e.errnoName());
        assertEquals("bind(4294967295:" + port + ")", e.call());
        b.close();
    }

    @Test
    void malformedAddressesAreRejected() {
        for (String bad : new String[] {"", "1234", ":5", "2:", "x:5", "2:y", "-2:5", "99999999999:1"}) {
            assertThrows(IllegalArgumentException.class, () -> new VsockListenTransport(bad, loop), bad);
        }
        assertEquals("vsock-listen:2:1234", new VsockListenTransport("2:1234", loop).describe());
    }
}
