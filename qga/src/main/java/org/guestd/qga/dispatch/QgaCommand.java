// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.dispatch;

import org.guestd.core.AgentException;

/**
 * One QGA command: its wire name, its argument schema and its implementation. The dispatcher
 * checks the arguments against {@link #arguments()} exactly as QAPI's input visitor does before
 * {@link #execute} runs, on a worker thread, never on the I/O thread.
 */
public interface QgaCommand {
    /** The wire name, e.g. {@code "guest-ping"}. */
    String name();

    /**
     * False for the schema's {@code 'success-response': false} commands (shutdown, suspend): no
     * reply is sent when they succeed; an error is still sent.
     */
    default boolean successResponse() {
        return true;
    }

    /** The arguments object's members; {@link StructSpec#EMPTY} for commands without arguments. */
    default StructSpec arguments() {
        return StructSpec.EMPTY;
    }

    /**
     * True only for guest-sync-delimited: its reply line is prefixed with the 0xFF sentinel
     * (qemu-ga's {@code ga_set_response_delimited}).
     */
    default boolean delimitedResponse() {
        return false;
    }

    /**
     * True for commands that finish in microseconds without blocking or touching the disk (ping,
     * sync, info, get-time): when nothing else of the session is queued they run right on the I/O
     * thread, which saves two thread hand-offs per round trip. Everything else runs on a worker.
     */
    default boolean quick() {
        return false;
    }

    /**
     * True for a command qemu-ga registers but always disables on this platform (7.2's
     * {@code ga_command_init_blockedrpcs}: guest-get-devices on Linux). It is listed by guest-info
     * with {@code enabled: false} and answers "Command X has been disabled", like a blocked one.
     */
    default boolean alwaysDisabled() {
        return false;
    }

    /**
     * False when the feature behind the command is not available here (its service is not
     * running): the registry then disables the command, as qemu-ga's
     * {@code ga_command_init_blockedrpcs} does for features a build lacks
     * ({@code Command X has been disabled}).
     */
    default boolean supported() {
        return true;
    }

    /**
     * Runs the command.
     *
     * @param args the checked arguments
     * @return the JSON return value (Map, List, String, Long, Double, Boolean…); null for a
     *     command without a return type, which is answered {@code {"return": {}}}
     * @throws AgentException with qemu-ga's error class and text
     */
    Object execute(Args args) throws AgentException;
}
