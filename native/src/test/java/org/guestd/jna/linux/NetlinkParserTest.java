// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The RTM_NEWADDR parser on datagrams built here byte by byte. */
class NetlinkParserTest {
    private static final int SEQ = 77;

    /** One rtattr: len, type, data, padded to 4. */
    private static byte[] attr(int type, byte[] data) {
        int len = 4 + data.length;
        ByteBuffer b = ByteBuffer.allocate((len + 3) & ~3).order(ByteOrder.nativeOrder());
        b.putShort((short) len).putShort((short) type).put(data);
        return b.array();
    }

    /** One nlmsghdr + payload, padded to 4. */
    private static byte[] msg(int type, int seq, byte[] payload) {
        int len = 16 + payload.length;
        ByteBuffer b = ByteBuffer.allocate((len + 3) & ~3).order(ByteOrder.nativeOrder());
        b.putInt(len).putShort((short) type).putShort((short) 2 /* NLM_F_MULTI */).putInt(seq).putInt(1234);
        b.put(payload);
        return b.array();
    }

    private static byte[] newaddr(int family, int prefix, int index, byte[]... attrs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer h = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
        h.put((byte) family).put((byte) prefix).put((byte) 0x80).put((byte) 0).putInt(index);
        out.writeBytes(h.array());
        for (byte[] a : attrs) {
            out.writeBytes(a);
        }
        return msg(NetlinkParser.RTM_NEWADDR, SEQ, out.toByteArray());
    }

    private static ByteBuffer datagram(byte[]... msgs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] m : msgs) {
            out.writeBytes(m);
        }
        return ByteBuffer.wrap(out.toByteArray());
    }

    private static byte[] label(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        return z;
    }

    private static byte[] ip(String literal) throws Exception {
        return InetAddress.getByName(literal).getAddress();
    }

    @Test
    void parsesIpv4AndIpv6InOrderAndStopsAtDone() throws Exception {
        ByteBuffer d = datagram(
                // point-to-point: IFA_ADDRESS is the peer, IFA_LOCAL the local address; label = alias
                newaddr(2, 24, 4, attr(NetlinkParser.IFA_ADDRESS, ip("10.0.0.2")),
                        attr(NetlinkParser.IFA_LOCAL, ip("10.0.0.1")), attr(NetlinkParser.IFA_LABEL, label("eth0:1")),
                        attr(8 /* IFA_FLAGS */, new byte[4])),
                newaddr(10, 64, 4, attr(NetlinkParser.IFA_ADDRESS, ip("fe80::1")),
                        attr(6 /* IFA_CACHEINFO */, new byte[16])),
                newaddr(2, 8, 1, attr(NetlinkParser.IFA_ADDRESS, ip("127.0.0.1"))),
                msg(NetlinkParser.NLMSG_DONE, SEQ, new byte[4]),
                newaddr(2, 8, 9, attr(NetlinkParser.IFA_ADDRESS, ip("192.0.2.9")))); // after DONE: not read
        List<IfAddr> out = new ArrayList<>();
        assertTrue(NetlinkParser.parse(d, SEQ, i -> i == 4 ? "eth0" : "lo", out));
        assertEquals(3, out.size(), out.toString());
        assertEquals(new IfAddr(4, "eth0:1", InetAddress.getByName("10.0.0.1"), 24), out.get(0));
        assertEquals(new IfAddr(4, "eth0", InetAddress.getByName("fe80::1"), 64), out.get(1));
        assertEquals(0, ((Inet6Address) out.get(1).address()).getScopeId(), "no scope id");
        assertEquals(new IfAddr(1, "lo", InetAddress.getByName("127.0.0.1"), 8), out.get(2));
    }

    @Test
    void skipsOtherSequenceNumbersFamiliesAndAddresslessMessages() throws Exception {
        ByteBuffer d = datagram(
                msg(NetlinkParser.RTM_NEWADDR, SEQ + 1, newaddr(2, 8, 1, attr(1, ip("1.2.3.4")))),
                newaddr(17 /* AF_PACKET */, 0, 2, attr(NetlinkParser.IFA_ADDRESS, new byte[6])),
                newaddr(2, 16, 3, attr(NetlinkParser.IFA_LABEL, label("x"))),
                newaddr(2, 32, 3, attr(NetlinkParser.IFA_ADDRESS, new byte[16]))); // wrong length for IPv4
        List<IfAddr> out = new ArrayList<>();
        assertFalse(NetlinkParser.parse(d, SEQ, i -> "if" + i, out), "no DONE yet");
        assertTrue(out.isEmpty(), out.toString());
    }

    @Test
    void errorMessageBecomesNativeException() {
        ByteBuffer err = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder()).putInt(-1 /* -EPERM */);
        err.putInt(0).putInt(0).putInt(0).putInt(0);
        ByteBuffer d = datagram(msg(NetlinkParser.NLMSG_ERROR, SEQ, err.array()));
        NativeException e = assertThrows(NativeException.class,
                () -> NetlinkParser.parse(d, SEQ, i -> "x", new ArrayList<>()));
        assertEquals("EPERM", e.errnoName());
        assertEquals("netlink RTM_GETADDR", e.call());
    }

    @Test
    void ackWithZeroErrorIsIgnored() throws Exception {
        ByteBuffer d = datagram(msg(NetlinkParser.NLMSG_ERROR, SEQ, new byte[20]),
                msg(NetlinkParser.NLMSG_DONE, SEQ, new byte[4]));
        assertTrue(NetlinkParser.parse(d, SEQ, i -> "x", new ArrayList<>()));
    }

    @Test
    void malformedLengthsEndTheDatagramWithoutThrowing() throws Exception {
        byte[] good = newaddr(2, 8, 1, attr(NetlinkParser.IFA_ADDRESS, ip("127.0.0.1")));
        byte[] bad = good.clone();
        ByteBuffer.wrap(bad).order(ByteOrder.nativeOrder()).putInt(0, 4000); // longer than the datagram
        List<IfAddr> out = new ArrayList<>();
        assertFalse(NetlinkParser.parse(datagram(good, bad), SEQ, i -> "lo", out));
        assertEquals(1, out.size());

        byte[] badAttr = newaddr(2, 8, 1, attr(NetlinkParser.IFA_ADDRESS, ip("127.0.0.1")));
        ByteBuffer.wrap(badAttr).order(ByteOrder.nativeOrder()).putShort(24, (short) 200); // rta_len past the end
        out.clear();
        assertFalse(NetlinkParser.parse(datagram(badAttr), SEQ, i -> "lo", out));
        assertTrue(out.isEmpty());

        assertFalse(NetlinkParser.parse(ByteBuffer.wrap(new byte[7]), SEQ, i -> "lo", out));
    }

    @Test
    void requestIsA24ByteDumpRequest() {
        ByteBuffer b = ByteBuffer.wrap(NetlinkParser.request(5, 0)).order(ByteOrder.nativeOrder());
        assertEquals(24, b.remaining());
        assertEquals(24, b.getInt(0));
        assertEquals(NetlinkParser.RTM_GETADDR, b.getShort(4));
        assertEquals(0x301, b.getShort(6));
        assertEquals(5, b.getInt(8));
    }
}
