// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

/**
 * The daemon side of one hv_utils char device, without any I/O: the registration message to write
 * after each open, and one reply (or none) per message read. Called by {@link MessageEndpoint} one
 * message at a time, off the event loop (it may block on files and the freeze engine).
 */
interface DeviceProtocol {
    /** Short name for logs: {@code "kvp"}, {@code "vss"}, {@code "fcopy"}. */
    String name();

    /** A new session began (the device was (re)opened): back to the handshake; returns the registration to write. */
    byte[] register();

    /**
     * Handles one message exactly as read.
     *
     * @return the reply to write, or null when none is due (the kernel's handshake reply)
     */
    byte[] handle(byte[] message);

    /**
     * Answers a message right away when that cannot block (no file lock to wait for, no script, no
     * freeze) — called on the event loop, only while no message of the session is queued or being
     * handled, so replies keep their order. Returns the reply exactly as {@link #handle} would, or
     * null when the message needs {@link #handle} on a worker. The default answers nothing here.
     */
    default byte[] handleQuick(byte[] message) {
        return null;
    }

    /** The session ended (device closed or lost); undo what a lost host cannot undo (VSS: thaw). */
    default void sessionEnded() {}
}
