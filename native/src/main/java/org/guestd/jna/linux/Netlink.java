// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import com.sun.jna.LastErrorException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** rtnetlink queries over a NETLINK_ROUTE socket. */
public final class Netlink {
    private static final int RECV_BUFFER = 64 * 1024;
    private static final int MAX_DATAGRAMS = 10_000; // guard against a kernel that never says DONE
    private static final AtomicInteger SEQ = new AtomicInteger((int) (System.nanoTime() & 0x3fffffff));

    private Netlink() {}

    /**
     * All interface addresses (IPv4 and IPv6), from an RTM_GETADDR dump with AF_UNSPEC, in the
     * kernel's order (the order getifaddrs(3) reports them: all IPv4, then all IPv6).
     */
    public static List<IfAddr> addresses() throws NativeException {
        String call = "socket(AF_NETLINK, NETLINK_ROUTE)";
        LinuxNative.ensure(call);
        int fd;
        try {
            fd = LinuxLibc.socket(LinuxLibc.AF_NETLINK, LinuxLibc.SOCK_RAW | LinuxLibc.SOCK_CLOEXEC,
                    LinuxLibc.NETLINK_ROUTE);
        } catch (LastErrorException e) {
            throw NativeException.of(call, e);
        }
        try {
            int seq = SEQ.incrementAndGet();
            byte[] req = NetlinkParser.request(seq, LinuxLibc.AF_UNSPEC);
            try {
                LinuxLibc.sendto(fd, req, req.length, 0, kernelAddress(), 12);
            } catch (LastErrorException e) {
                throw NativeException.of("sendto(netlink RTM_GETADDR)", e);
            }
            Map<Integer, String> names = new HashMap<>();
            List<IfAddr> out = new ArrayList<>();
            ByteBuffer buf = ByteBuffer.allocateDirect(RECV_BUFFER);
            for (int i = 0; i < MAX_DATAGRAMS; i++) {
                buf.clear();
                int n = Posix.recv(fd, buf, 0);
                if (n <= 0) {
                    throw new NativeException("recv(netlink RTM_GETADDR)", Errno.EIO,
                            "unexpected end of dump", null);
                }
                buf.flip();
                if (NetlinkParser.parse(buf, seq, idx -> names.computeIfAbsent(idx, Netlink::nameOf), out)) {
                    return out;
                }
            }
            throw new NativeException("recv(netlink RTM_GETADDR)", Errno.EIO, "dump did not end", null);
        } finally {
            try {
                LinuxLibc.close(fd);
            } catch (LastErrorException ignored) {
                // nothing to do
            }
        }
    }

    private static String nameOf(int index) {
        try {
            return Posix.ifIndexToName(index);
        } catch (NativeException e) {
            return "if" + index; // the link vanished between the dump and this lookup
        }
    }

    /** struct sockaddr_nl { u16 family; u16 pad; u32 pid = 0 (kernel); u32 groups = 0; }. */
    private static byte[] kernelAddress() {
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
        b.putShort((short) LinuxLibc.AF_NETLINK);
        return b.array();
    }
}
