// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.intrinsics;

import org.guestd.jna.linux.Resolver;

/** hv_kvp_daemon's FullyQualifiedDomainName: getaddrinfo's canonical name, or its error text. */
public final class Fqdn {
    private Fqdn() {}

    /**
     * The canonical name of {@code host} ({@code "(null)"} when the answer had none, as glibc's
     * printf shows a NULL string); on failure the daemon's {@code "getaddrinfo failed: 0x%x %s"}.
     */
    public static String of(String host) {
        Resolver.CanonicalName c = Resolver.canonicalName(host);
        if (!c.ok()) {
            return String.format("getaddrinfo failed: 0x%x %s", c.status(), c.statusText());
        }
        return c.name() == null ? "(null)" : c.name();
    }
}
