// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv.uio;

/**
 * The version negotiation of an integration component, answered in place exactly as the kernel's
 * {@code vmbus_prep_negotiate_resp()} (and the upstream UIO daemon's copy of it) does. The body
 * ({@code icmsg_negotiate}, at {@link IcMessage#HEADER}) holds u16 framework and service version
 * counts, 4 reserved bytes, then the host's versions (u16 major, u16 minor): frameworks first.
 * For each of our versions in our order of preference the host's list is searched; the first hit
 * wins. The reply: {@code icmsgsize = 0x10}, both counts 1 on a match (0 on none), entry 0 the
 * framework version, entry 1 the service version (on no match these hold what the search left:
 * the host's counts as majors, as the kernel codes it).
 */
public final class IcNegotiation {
    /** At most this many versions per list ({@code IC_VERSION_NEGOTIATION_MAX_VER_COUNT}). */
    static final int MAX_VERSIONS = 100;

    private IcNegotiation() {}

    /** A version as {@code major << 16 | minor}. */
    public static int version(int major, int minor) {
        return major << 16 | minor;
    }

    /**
     * Rewrites {@code payload} into the negotiation reply.
     *
     * @param framework our framework versions, most preferred first
     * @param service our service versions, most preferred first
     * @return the chosen {@code {framework, service}}, or null when nothing matched (or the body
     *     is too short to hold the counts, in which case the payload is left as it was)
     */
    public static int[] respond(byte[] payload, int[] framework, int[] service) {
        int body = IcMessage.HEADER;
        if (payload.length < body + 4) {
            return null;
        }
        IcMessage.setMessageSize(payload, 0x10);
        int fwCount = IcMessage.u16(payload, body);
        int srvCount = IcMessage.u16(payload, body + 2);
        int fwMajor = fwCount;
        int fwMinor = 0;
        int srvMajor = srvCount;
        int srvMinor = 0;
        boolean found = false;
        boolean valid = fwCount <= MAX_VERSIONS && srvCount <= MAX_VERSIONS
                && body + 8 + 4L * (fwCount + srvCount) <= payload.length;
        if (valid) {
            int[] fw = search(payload, 0, fwCount, framework);
            if (fw != null) {
                fwMajor = fw[0];
                fwMinor = fw[1];
                int[] srv = search(payload, fwCount, fwCount + srvCount, service);
                if (srv != null) {
                    srvMajor = srv[0];
                    srvMinor = srv[1];
                    found = true;
                }
            }
        }
        IcMessage.putU16(payload, body, found ? 1 : 0);
        IcMessage.putU16(payload, body + 2, found ? 1 : 0);
        // entries 0 and 1 are written even on no match (the kernel does); make room only if there is
        if (payload.length >= body + 16) {
            IcMessage.putU16(payload, body + 8, fwMajor);
            IcMessage.putU16(payload, body + 10, fwMinor);
            IcMessage.putU16(payload, body + 12, srvMajor);
            IcMessage.putU16(payload, body + 14, srvMinor);
        }
        return found ? new int[] {version(fwMajor, fwMinor), version(srvMajor, srvMinor)} : null;
    }

    /** The first of {@code ours} found among the host's entries {@code [from, to)}, as {major, minor}. */
    private static int[] search(byte[] payload, int from, int to, int[] ours) {
        for (int v : ours) {
            int major = v >>> 16;
            int minor = v & 0xffff;
            for (int j = from; j < to; j++) {
                int at = IcMessage.HEADER + 8 + 4 * j;
                if (IcMessage.u16(payload, at) == major && IcMessage.u16(payload, at + 2) == minor) {
                    return new int[] {major, minor};
                }
            }
        }
        return null;
    }
}
