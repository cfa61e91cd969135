// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.client;

/** A registered watch: stays across reconnects until cancelled. */
public interface XsWatch {
    /** The watched path, as given. */
    String path();

    /** The token that tells its events apart. */
    String token();

    /** XS_UNWATCH; no events are delivered after this (stale ones in flight are dropped). */
    void cancel();
}
