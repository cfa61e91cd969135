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
        return create(method, path, loop, false);
    }

    /**
     * The transport for {@code method} at {@code path}; nothing is opened until
     * {@link Transport#start}.
     *
     * @param path as for {@link #create(Method, String, IoLoop)}
     * @param retryMissing qemu-ga's {@code -r/--retry-path} for the device methods (virtio-serial,
     *     isa-serial, char-device): a device path that cannot be opened at {@link Transport#start} is
     *     logged once and retried with capped backoff (100 ms up to 5 s) until it can be, then
     *     {@code connected} is reported as usual; false: {@code start} throws. Ignored for an
     *     inherited {@code fd:N} (a descriptor does not appear later) and for the listening methods,
     *     which bind at start
     * @throws IllegalArgumentException for a malformed path or address
     */
    public static Transport create(Method method, String path, IoLoop loop, boolean retryMissing) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException(method.wireName() + ": a path is required");
        }
        switch (method) {
            case VIRTIO_SERIAL:
            case ISA_SERIAL:
                return new StreamDeviceTransport(method, path, loop, retryMissing);
            case CHAR_DEVICE:
                return new MessageFdTransport(path, loop, MessageFdTransport.DEFAULT_MAX_MESSAGE, retryMissing);
            case UNIX_LISTEN:
                return new UnixListenTransport(path, loop);
            case VSOCK_LISTEN:
                return new VsockListenTransport(path, loop);
            default:
                throw new IllegalArgumentException("unknown method " + method);
        }
    }
}
