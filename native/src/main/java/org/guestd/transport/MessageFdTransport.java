// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import org.guestd.jna.linux.Posix;

/**
 * A message-framed descriptor: a char device where one read(2) returns one whole message and one
 * write(2) sends one (the Hyper-V {@code /dev/vmbus/hv_kvp}, {@code hv_vss} style), or an
 * inherited {@code fd:N}, e.g. one end of a SOCK_SEQPACKET socketpair, which is how tests and
 * harnesses emulate such a device.
 *
 * <p>Each {@code received} is exactly one message, read into a buffer of {@code maxMessage} bytes
 * (default 64 KiB); each {@link Link#write} is one message. On a socket a longer message is
 * detected (recv with MSG_TRUNC) and dropped with a warning; the link continues. A device replies
 * EINVAL to a too-short read buffer, which ends the link like any other error.
 *
 * <p>End of file on a socket means the peer is gone: {@code disconnected}, and an inherited fd is
 * never reopened. On a path, EOF or an error ends the link and the device is reopened with capped
 * backoff (100 ms to 5 s); the new link reports {@code connected} (Hyper-V devices need their
 * registration handshake again after every open, which the protocol module does on
 * {@code connected}).
 */
public final class MessageFdTransport extends DeviceTransport {
    /** Default maximum message size. */
    public static final int DEFAULT_MAX_MESSAGE = 64 * 1024;

    private final int maxMessage;

    /** With the default 64 KiB message buffer. */
    public MessageFdTransport(String path, IoLoop loop) {
        this(path, loop, DEFAULT_MAX_MESSAGE);
    }

    /**
     * A transport whose {@link #start} fails when the device cannot be opened.
     *
     * @param path the device path or {@code fd:N}
     * @param maxMessage the read buffer size: the largest message that can be received
     */
    public MessageFdTransport(String path, IoLoop loop, int maxMessage) {
        this(path, loop, maxMessage, false);
    }

    /**
     * @param path the device path or {@code fd:N}
     * @param maxMessage the read buffer size: the largest message that can be received
     * @param retryMissing true: a device that cannot be opened at {@link #start} is logged once and
     *     retried with backoff (100 ms up to 5 s) until it can be
     */
    public MessageFdTransport(String path, IoLoop loop, int maxMessage, boolean retryMissing) {
        super(Method.CHAR_DEVICE.wireName(), path, loop, retryMissing);
        if (maxMessage <= 0) {
            throw new IllegalArgumentException("maxMessage must be positive: " + maxMessage);
        }
        this.maxMessage = maxMessage;
    }

    @Override
    int openFlags() {
        return Posix.O_RDWR | Posix.O_NONBLOCK | Posix.O_CLOEXEC;
    }

    @Override
    FdLink newLink(Opened opened, Link.Handler handler) {
        return new FdLink(loop, opened.fd(), describe(), true, opened.socket(),
                opened.socket() ? FdLink.EofPolicy.PEER_GONE : FdLink.EofPolicy.DEVICE_GONE,
                maxMessage, handler, owner);
    }
}
