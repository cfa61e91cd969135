// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

/** Creates the {@link Transport} for a {@link Method}. */
public final class Transports {
    private Transports() {}

    /**
     * The transport for {@code method} at {@code path}; nothing is opened until
     * {@link Transport#start}.
     *
     * @param path a device or socket path; {@code <cid>:<port>} for vsock-listen; {@code fd:N} for
     *     an inherited descriptor (a message-framed fd for char-device, a stream fd for
     *     virtio-serial/isa-serial, a listening socket for unix-listen/vsock-listen)
     * @throws IllegalArgumentException for a malformed path or address
     */
    public static Transport create(Method method, String path, IoLoop loop) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException(method.wireName() + ": a path is required");
        }
        switch (method) {
            case VIRTIO_SERIAL:
            case ISA_SERIAL:
                return new StreamDeviceTransport(method, path, loop);
            case CHAR_DEVICE:
                return new MessageFdTransport(path, loop);
            case UNIX_LISTEN:
                return new UnixListenTransport(path, loop);
            case VSOCK_LISTEN:
                return new VsockListenTransport(path, loop);
            default:
                throw new IllegalArgumentException("unknown method " + method);
        }
    }
}
