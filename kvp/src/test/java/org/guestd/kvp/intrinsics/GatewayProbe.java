// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.intrinsics;

import org.guestd.core.env.HostPaths;
import org.guestd.jna.linux.RouteDump;

/**
 * Child process of {@link GatewayFidelityTest}: prints {@link NetFacts#gateways} of the interface
 * named by the argument, one per line, computed from this process's network namespace.
 */
public final class GatewayProbe {
    private GatewayProbe() {}

    public static void main(String[] args) {
        for (String g : new NetFacts(HostPaths.system(), RouteDump::dump).gateways(args[0])) {
            System.out.println(g);
        }
    }
}
