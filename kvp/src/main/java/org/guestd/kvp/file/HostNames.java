// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.file;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/** getaddrinfo(3) with {@code AI_CANONNAME}, as hv_kvp_daemon computes FullyQualifiedDomainName. */
public final class HostNames {
    private static final int AI_CANONNAME = 2;
    private static final int AF_INET = 2;
    private static final int SOCK_STREAM = 1;

    private HostNames() {}

    /**
     * {@code getaddrinfo(host, NULL, {AF_INET, SOCK_STREAM, AI_CANONNAME})->ai_canonname}; on
     * failure the daemon's text {@code "getaddrinfo failed: 0x%x %s"}.
     */
    public static String canonicalName(String host) {
        // struct addrinfo (LP64): flags 0, family 4, socktype 8, protocol 12, addrlen 16,
        // addr 24, canonname 32, next 40 → 48 bytes
        try (Memory hints = new Memory(48); Memory res = new Memory(8)) {
            hints.clear();
            res.clear();
            hints.setInt(0, AI_CANONNAME);
            hints.setInt(4, AF_INET);
            hints.setInt(8, SOCK_STREAM);
            int rc = Libc.getaddrinfo(host, null, hints, res);
            if (rc != 0) {
                return String.format("getaddrinfo failed: 0x%x %s", rc, Libc.gai_strerror(rc));
            }
            Pointer list = res.getPointer(0);
            try {
                Pointer canon = list.getPointer(32);
                return canon == null ? "(null)" : canon.getString(0);
            } finally {
                Libc.freeaddrinfo(list);
            }
        }
    }
}
