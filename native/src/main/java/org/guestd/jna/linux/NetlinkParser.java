// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Parses rtnetlink RTM_NEWADDR dump replies (pure; no I/O). Layouts, host byte order:
 * <pre>
 * nlmsghdr  { u32 len; u16 type; u16 flags; u32 seq; u32 pid; }            16 bytes, NLMSG_ALIGN 4
 * ifaddrmsg { u8 family; u8 prefixlen; u8 flags; u8 scope; u32 index; }     8 bytes
 * rtattr    { u16 len; u16 type; data... }                                  RTA_ALIGN 4
 * </pre>
 * The local address is IFA_LOCAL when present (point-to-point links put the peer in IFA_ADDRESS),
 * else IFA_ADDRESS, which is what getifaddrs(3) does.
 */
final class NetlinkParser {
    static final int NLMSG_HDRLEN = 16;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int RTM_NEWADDR = 20;
    static final int RTM_GETADDR = 22;
    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_DUMP = 0x300;
    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    static final int IFA_LABEL = 3;
    private static final int IFADDRMSG_LEN = 8;

    private NetlinkParser() {}

    /** The 24-byte RTM_GETADDR dump request (nlmsghdr + ifaddrmsg with {@code family}). */
    static byte[] request(int seq, int family) {
        ByteBuffer b = ByteBuffer.allocate(NLMSG_HDRLEN + IFADDRMSG_LEN).order(ByteOrder.nativeOrder());
        b.putInt(NLMSG_HDRLEN + IFADDRMSG_LEN).putShort((short) RTM_GETADDR)
                .putShort((short) (NLM_F_REQUEST | NLM_F_DUMP)).putInt(seq).putInt(0);
        b.put((byte) family);
        return b.array();
    }

    /**
     * Parses one datagram of a dump, appending addresses to {@code out}. Messages with another
     * sequence number are skipped; a malformed message ends the datagram.
     *
     * @return true when NLMSG_DONE was seen
     * @throws NativeException on NLMSG_ERROR with a non-zero error
     */
    static boolean parse(ByteBuffer datagram, int seq, IntFunction<String> names, List<IfAddr> out)
            throws NativeException {
        ByteBuffer b = datagram.duplicate().order(ByteOrder.nativeOrder());
        int base = b.position();
        int end = b.limit();
        int off = base;
        while (off + NLMSG_HDRLEN <= end) {
            int len = b.getInt(off);
            int type = b.getShort(off + 4) & 0xffff;
            int msgSeq = b.getInt(off + 8);
            if (len < NLMSG_HDRLEN || off + len > end) {
                return false;
            }
            if (msgSeq == seq) {
                if (type == NLMSG_DONE) {
                    return true;
                }
                if (type == NLMSG_ERROR) {
                    int err = len >= NLMSG_HDRLEN + 4 ? b.getInt(off + NLMSG_HDRLEN) : 0;
                    if (err != 0) {
                        throw new NativeException("netlink RTM_GETADDR", -err);
                    }
                } else if (type == RTM_NEWADDR) {
                    IfAddr a = address(b, off + NLMSG_HDRLEN, off + len, names);
                    if (a != null) {
                        out.add(a);
                    }
                }
            }
            off += align(len);
        }
        return false;
    }

    private static IfAddr address(ByteBuffer b, int start, int end, IntFunction<String> names) {
        if (start + IFADDRMSG_LEN > end) {
            return null;
        }
        int family = b.get(start) & 0xff;
        int prefix = b.get(start + 1) & 0xff;
        int index = b.getInt(start + 4);
        int size = family == LinuxLibc.AF_INET ? 4 : family == LinuxLibc.AF_INET6 ? 16 : -1;
        if (size < 0) {
            return null;
        }
        byte[] address = null;
        byte[] local = null;
        String label = null;
        int off = start + IFADDRMSG_LEN;
        while (off + 4 <= end) {
            int rlen = b.getShort(off) & 0xffff;
            int rtype = b.getShort(off + 2) & 0xffff;
            if (rlen < 4 || off + rlen > end) {
                break;
            }
            int dlen = rlen - 4;
            if ((rtype == IFA_ADDRESS || rtype == IFA_LOCAL) && dlen == size) {
                byte[] v = new byte[size];
                b.get(off + 4, v);
                if (rtype == IFA_ADDRESS) {
                    address = v;
                } else {
                    local = v;
                }
            } else if (rtype == IFA_LABEL && dlen > 0) {
                byte[] v = new byte[dlen];
                b.get(off + 4, v);
                label = Posix.cString(v, 0, dlen);
            }
            off += align(rlen);
        }
        byte[] chosen = local != null ? local : address;
        if (chosen == null) {
            return null;
        }
        String name = label != null && !label.isEmpty() ? label : names.apply(index);
        try {
            // getByAddress(byte[]) never carries a scope id
            return new IfAddr(index, name, InetAddress.getByAddress(chosen), prefix);
        } catch (UnknownHostException e) {
            return null; // only for bad lengths, excluded above
        }
    }

    private static int align(int len) {
        return (len + 3) & ~3;
    }
}
