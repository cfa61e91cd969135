// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.Posix;
import org.guestd.jna.linux.Termios;

/**
 * A byte-stream device: a virtio-serial port or an emulated UART (isa-serial), or an inherited
 * {@code fd:N}. Opened {@code O_RDWR|O_NOCTTY|O_NONBLOCK|O_CLOEXEC}; an isa-serial line is set to
 * raw 8-bit, 38400 baud, VMIN=1 VTIME=0, pending input discarded (as qemu-ga does).
 *
 * <p>There is one {@link Link} for the open device: {@code connected} once it is open.
 *
 * <p><b>No host.</b> A virtio-serial port returns end of file (and a level-triggered EPOLLHUP)
 * while no host client is connected to its chardev, and a write would block until one connects.
 * This is not a session boundary: the link stays open and connected, reads are retried on the next
 * epoll edge or after a capped backoff (100 ms to 1 s) without spinning, and writes stay queued
 * (non-blocking, flushed on EPOLLOUT) until a host takes them. <b>A host reconnect (EOF, then data
 * again) is therefore not reported</b> as {@code disconnected}/{@code connected}: the kernel gives
 * no reliable signal for it (a quick reconnect shows no EOF at all) and QEMU drops whatever the old
 * host left unread, so protocol codecs must resynchronise on their own (QGA clients do, with
 * {@code guest-sync}/0xFF, exactly as with qemu-ga). Data the host sent before the port was opened
 * is kept by QEMU and read normally. State changes are logged once each on
 * {@code org.guestd.transport}.
 *
 * <p><b>Errors.</b> A read or write error (EIO, ENODEV when the port is unplugged, a tty hangup
 * seen as EOF together with EPOLLERR) ends the link ({@code disconnected}); the path is reopened
 * with capped backoff (100 ms to 5 s) and a new link reports {@code connected}. {@link Link#close()}
 * also reopens. An inherited socket {@code fd:N} ends at EOF (peer gone) and is not reopened.
 */
public final class StreamDeviceTransport extends DeviceTransport {
    /** isa-serial's line speed (qemu-ga's GA_CHANNEL_BAUDRATE_DEFAULT). */
    public static final int ISA_SERIAL_BAUD = 38400;

    private final Method method;

    /**
     * A transport whose {@link #start} fails when the device cannot be opened.
     *
     * @param method {@link Method#VIRTIO_SERIAL} or {@link Method#ISA_SERIAL}
     * @param path the device path or {@code fd:N}
     */
    public StreamDeviceTransport(Method method, String path, IoLoop loop) {
        this(method, path, loop, false);
    }

    /**
     * @param method {@link Method#VIRTIO_SERIAL} or {@link Method#ISA_SERIAL}
     * @param path the device path or {@code fd:N}
     * @param retryMissing true: a device that cannot be opened at {@link #start} is logged once and
     *     retried with backoff (100 ms up to 5 s) until it can be (qemu-ga's {@code --retry-path})
     */
    public StreamDeviceTransport(Method method, String path, IoLoop loop, boolean retryMissing) {
        super(method.wireName(), path, loop, retryMissing);
        if (method != Method.VIRTIO_SERIAL && method != Method.ISA_SERIAL) {
            throw new IllegalArgumentException("not a stream device method: " + method);
        }
        this.method = method;
    }

    @Override
    int openFlags() {
        return Posix.O_RDWR | Posix.O_NOCTTY | Posix.O_NONBLOCK | Posix.O_CLOEXEC;
    }

    @Override
    void configure(int fd, boolean inherited) throws NativeException {
        if (method != Method.ISA_SERIAL) {
            return;
        }
        try {
            Termios.makeRaw(fd, ISA_SERIAL_BAUD);
        } catch (NativeException e) {
            if (!inherited || !"ENOTTY".equals(e.errnoName())) {
                throw e; // an inherited socket or pipe is not a tty: nothing to set
            }
        }
    }

    @Override
    FdLink newLink(Opened opened, Link.Handler handler) {
        return new FdLink(loop, opened.fd(), describe(), false, opened.socket(),
                opened.socket() ? FdLink.EofPolicy.PEER_GONE : FdLink.EofPolicy.HOST_ABSENT,
                FdLink.STREAM_CHUNK, handler, owner);
    }
}
