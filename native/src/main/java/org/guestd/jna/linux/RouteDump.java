// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import com.sun.jna.LastErrorException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's routes of one address family, as {@code ip route} receives them: an RTM_GETROUTE dump
 * over a NETLINK_ROUTE socket, each route with the attributes {@code ip route show} prints before
 * a default route's third word (the KVP daemon's gateway is {@code awk '/default/ {print $3}'}).
 * Like {@link PosixFiles}, it does not consult {@link LinuxNative#availability()} (whose probe loads
 * Netty and the logger), so a small tool process can use it.
 */
public final class RouteDump {
    public static final int AF_INET = LinuxLibc.AF_INET;
    public static final int AF_INET6 = LinuxLibc.AF_INET6;
    private static final int RTM_NEWROUTE = 24;
    private static final int RTM_GETROUTE = 26;
    private static final int NLMSG_ERROR = 2;
    private static final int NLMSG_DONE = 3;
    private static final int NLM_F_REQUEST = 1;
    private static final int NLM_F_DUMP = 0x300;
    private static final int MAX_DATAGRAMS = 100_000;

    private RouteDump() {}

    /**
     * One route ({@code struct rtmsg} and the attributes used; absent ones null / -1).
     *
     * @param table RTA_TABLE, else rtm_table
     * @param via RTA_VIA: address family then address bytes
     */
    public record Route(int family, int dstLen, boolean hasDst, int srcLen, byte[] src, int tos, int table,
            int protocol, int scope, int type, int flags, int oif, byte[] gateway, byte[] via, byte[] prefsrc,
            Long priority) {}

    /** Every route of {@code family} ({@link #AF_INET} or {@link #AF_INET6}) in the kernel's dump order. */
    public static List<Route> dump(int family) throws NativeException {
        String call = "socket(AF_NETLINK, NETLINK_ROUTE)";
        int fd;
        try {
            fd = LinuxLibc.socket(LinuxLibc.AF_NETLINK, LinuxLibc.SOCK_RAW | LinuxLibc.SOCK_CLOEXEC,
                    LinuxLibc.NETLINK_ROUTE);
        } catch (LastErrorException e) {
            throw NativeException.of(call, e);
        }
        try {
            int seq = (int) (System.nanoTime() & 0x3fffffff);
            ByteBuffer req = ByteBuffer.allocate(28).order(ByteOrder.nativeOrder());
            req.putInt(28).putShort((short) RTM_GETROUTE).putShort((short) (NLM_F_REQUEST | NLM_F_DUMP)).putInt(seq)
                    .putInt(0).put((byte) family);
            byte[] kernel = new byte[12];
            kernel[0] = (byte) LinuxLibc.AF_NETLINK; // sockaddr_nl, little-endian family, pid 0 = the kernel
            try {
                LinuxLibc.sendto(fd, req.array(), 28, 0, kernel, 12);
            } catch (LastErrorException e) {
                throw NativeException.of("sendto(netlink RTM_GETROUTE)", e);
            }
            List<Route> out = new ArrayList<>();
            ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
            for (int i = 0; i < MAX_DATAGRAMS; i++) {
                buf.clear();
                int n = Posix.recv(fd, buf, 0); // EINTR retried inside
                if (n <= 0) {
                    throw new NativeException("recv(netlink RTM_GETROUTE)", Errno.EIO, "dump ended early", null);
                }
                buf.flip();
                if (parse(buf.order(ByteOrder.nativeOrder()), seq, family, out)) {
                    return out;
                }
            }
            throw new NativeException("recv(netlink RTM_GETROUTE)", Errno.EIO, "dump did not end", null);
        } finally {
            try {
                LinuxLibc.close(fd);
            } catch (LastErrorException ignored) {
                // nothing to do
            }
        }
    }

    /** Parses one datagram into {@code out}; true at NLMSG_DONE. */
    static boolean parse(ByteBuffer b, int seq, int family, List<Route> out) throws NativeException {
        while (b.remaining() >= 16) {
            int start = b.position();
            int len = b.getInt(start);
            int type = b.getShort(start + 4) & 0xffff;
            int mseq = b.getInt(start + 8);
            if (len < 16 || len > b.remaining()) {
                throw new NativeException("recv(netlink RTM_GETROUTE)", Errno.EIO, "bad message length " + len, null);
            }
            if (mseq == seq) {
                if (type == NLMSG_DONE) {
                    return true;
                }
                if (type == NLMSG_ERROR) {
                    int err = b.getInt(start + 16);
                    if (err != 0) {
                        throw new NativeException("netlink RTM_GETROUTE", -err);
                    }
                } else if (type == RTM_NEWROUTE && len >= 28 && (b.get(start + 16) & 0xff) == family) {
                    out.add(route(b, start, len));
                }
            }
            b.position(Math.min(b.limit(), start + ((len + 3) & ~3)));
        }
        return false;
    }

    private static Route route(ByteBuffer b, int start, int len) {
        int r = start + 16;
        int family = b.get(r) & 0xff;
        int dstLen = b.get(r + 1) & 0xff;
        int srcLen = b.get(r + 2) & 0xff;
        byte[] src = null;
        int tos = b.get(r + 3) & 0xff;
        int table = b.get(r + 4) & 0xff;
        int protocol = b.get(r + 5) & 0xff;
        int scope = b.get(r + 6) & 0xff;
        int type = b.get(r + 7) & 0xff;
        int flags = b.getInt(r + 8);
        boolean hasDst = false;
        int oif = -1;
        byte[] gateway = null;
        byte[] via = null;
        byte[] prefsrc = null;
        Long priority = null;
        int a = r + 12;
        int end = start + len;
        while (a + 4 <= end) {
            int alen = b.getShort(a) & 0xffff;
            int atype = b.getShort(a + 2) & 0x3fff;
            if (alen < 4 || a + alen > end) {
                break;
            }
            byte[] v = new byte[alen - 4];
            b.get(a + 4, v);
            switch (atype) {
                case 1: hasDst = true; break; // RTA_DST
                case 2: src = v; break; // RTA_SRC
                case 4: oif = v.length >= 4 ? intOf(v) : -1; break; // RTA_OIF
                case 5: gateway = v; break; // RTA_GATEWAY
                case 6: priority = v.length >= 4 ? intOf(v) & 0xffffffffL : null; break; // RTA_PRIORITY
                case 7: prefsrc = v; break; // RTA_PREFSRC
                case 15: table = v.length >= 4 ? intOf(v) : table; break; // RTA_TABLE
                case 18: via = v; break; // RTA_VIA
                default: break;
            }
            a += (alen + 3) & ~3;
        }
        return new Route(family, dstLen, hasDst, srcLen, src, tos, table, protocol, scope, type, flags, oif, gateway,
                via, prefsrc, priority);
    }

    private static int intOf(byte[] v) {
        return ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).getInt();
    }
}
