// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

/** The test's side of a transport session: the host client, the pty master, the socketpair's other end. */
interface Peer extends AutoCloseable {
    /** Sends bytes (one message on a message-framed transport). */
    void send(byte[] data) throws Exception;

    /** Receives exactly {@code n} bytes (stream) with a hang guard. */
    byte[] receive(int n) throws Exception;

    /** Receives one message (message-framed transports). */
    byte[] receiveMessage() throws Exception;

    /**
     * Reads until end of file and returns what came before it (hang guard); null when this peer
     * cannot see an end of file (a pty master while the agent reopens the slave).
     */
    byte[] readToEnd() throws Exception;

    @Override
    void close();
}
