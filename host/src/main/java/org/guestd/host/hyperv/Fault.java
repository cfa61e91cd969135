// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.hyperv;

/**
 * What a misbehaving kernel side can do to a daemon (the okhttp {@code SocketPolicy} idea). None of
 * these can happen with a healthy hv_utils driver except {@link #HOST_CLOSES} (driver unload,
 * hibernation); the daemon must survive all of them without losing stored data.
 */
public enum Fault {
    /** The device goes away: the host end is closed. */
    HOST_CLOSES,
    /** A request cut short (half a KVP message). */
    TRUNCATED,
    /** A request longer than the struct (a KVP message followed by junk). */
    OVERSIZED,
    /** A whole message with an operation code that does not exist. */
    WRONG_OP,
    /** A whole message of random bytes (pool, sizes, op all random). */
    GARBAGE,
    /** Many requests sent, none of the replies read. */
    REPLY_NEVER_READ
}
