// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/** Name resolution through glibc (NSS), where the JDK's resolver gives different answers. */
public final class Resolver {
    private static final int AI_CANONNAME = 2;

    private Resolver() {}

    /**
     * What {@code getaddrinfo} answered: the canonical name (null when the answer had none), or a
     * non-zero EAI_* {@code status} with {@code gai_strerror}'s text. getaddrinfo's codes are not
     * errno values, so a failure is data here rather than a {@link NativeException}.
     */
    public record CanonicalName(String name, int status, String statusText) {
        public boolean ok() {
            return status == 0;
        }
    }

    /**
     * {@code getaddrinfo(host, NULL, {AF_INET, SOCK_STREAM, AI_CANONNAME})->ai_canonname}, as
     * hv_kvp_daemon computes FullyQualifiedDomainName.
     */
    public static CanonicalName canonicalName(String host) {
        // struct addrinfo (LP64): flags 0, family 4, socktype 8, protocol 12, addrlen 16,
        // addr 24, canonname 32, next 40 → 48 bytes
        try (Memory hints = new Memory(48); Memory res = new Memory(8)) {
            hints.clear();
            res.clear();
            hints.setInt(0, AI_CANONNAME);
            hints.setInt(4, LinuxLibc.AF_INET);
            hints.setInt(8, LinuxLibc.SOCK_STREAM);
            int rc = FileLibc.getaddrinfo(host, null, hints, res);
            if (rc != 0) {
                return new CanonicalName(null, rc, FileLibc.gai_strerror(rc));
            }
            Pointer list = res.getPointer(0);
            try {
                Pointer canon = list.getPointer(32);
                return new CanonicalName(canon == null ? null : canon.getString(0), 0, null);
            } finally {
                FileLibc.freeaddrinfo(list);
            }
        }
    }
}
