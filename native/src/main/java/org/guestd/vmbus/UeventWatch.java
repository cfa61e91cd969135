// SPDX-License-Identifier: Apache-2.0
package org.guestd.vmbus;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.guestd.jna.linux.KernelEvents;
import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.Posix;
import org.guestd.jna.linux.Uevents;
import org.guestd.transport.IoLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits, on the event loop and without polling, for devices of chosen subsystems to be added: each
 * kernel uevent ({@code ACTION=add\0SUBSYSTEM=uio\0DEVPATH=...\0}) whose action is {@code add} and
 * whose subsystem is one of those is handed to the callback (on the loop) as its key/value map.
 */
public final class UeventWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.vmbus");

    private final IoEventLoop loop;
    private final int fd;
    private final FileDescriptor nettyFd;
    private final Set<String> subsystems;
    private final Consumer<Map<String, String>> onAdd;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(16 * 1024);
    private IoRegistration registration;
    private volatile boolean closed;

    private UeventWatch(IoLoop loop, int fd, Set<String> subsystems, Consumer<Map<String, String>> onAdd) {
        this.loop = loop.eventLoop();
        this.fd = fd;
        this.nettyFd = new FileDescriptor(fd);
        this.subsystems = Set.copyOf(subsystems);
        this.onAdd = onAdd;
    }

    /** Watches the kernel's uevents. */
    public static UeventWatch adds(IoLoop loop, Set<String> subsystems, Consumer<Map<String, String>> onAdd)
            throws NativeException {
        return on(loop, Uevents.open(), subsystems, onAdd);
    }

    /**
     * Watches uevent-formatted messages arriving on {@code fd} (owned from now on, made non-blocking;
     * tests use a socketpair).
     */
    public static UeventWatch on(IoLoop loop, int fd, Set<String> subsystems, Consumer<Map<String, String>> onAdd)
            throws NativeException {
        Posix.setNonBlockingCloexec(fd); // the loop must never block in read()
        UeventWatch w = new UeventWatch(loop, fd, subsystems, onAdd);
        w.loop.execute(w::register);
        return w;
    }

    private void register() {
        if (closed) {
            KernelEvents.closeQuietly(fd);
            return;
        }
        loop.register(new Handle()).addListener(f -> {
            if (!f.isSuccess()) {
                LOG.warn("cannot watch device events: {}", f.cause().toString());
                end();
                return;
            }
            registration = (IoRegistration) f.getNow();
            if (closed) {
                end();
                return;
            }
            registration.submit(EpollIoOps.EPOLLIN);
        });
    }

    /** The fields of one uevent message, or null when it is not the kernel's format. */
    public static Map<String, String> parse(byte[] msg, int len) {
        Map<String, String> out = new LinkedHashMap<>();
        int start = 0;
        boolean first = true;
        for (int i = 0; i <= len; i++) {
            if (i == len || msg[i] == 0) {
                if (i > start) {
                    String field = new String(msg, start, i - start, StandardCharsets.UTF_8);
                    int eq = field.indexOf('=');
                    if (eq > 0) {
                        out.put(field.substring(0, eq), field.substring(eq + 1));
                    } else if (!(first && field.contains("@"))) {
                        return null; // not "action@devpath" nor key=value: udev's binary format or junk
                    }
                }
                first = false;
                start = i + 1;
            }
        }
        return out.containsKey("ACTION") ? out : null;
    }

    private void onReadable() {
        for (int i = 0; i < 256; i++) {
            buf.clear();
            int n;
            try {
                n = Posix.read(fd, buf);
            } catch (NativeException e) {
                if (e.errno() == 105) { // ENOBUFS: events were lost; report a synthetic add so callers look again
                    deliver(Map.of("ACTION", "add", "SUBSYSTEM", "?"));
                    continue;
                }
                LOG.warn("device events: {}; no longer watched", e.getMessage());
                end();
                return;
            }
            if (n <= 0) {
                if (n < 0) {
                    end();
                }
                return;
            }
            byte[] msg = new byte[n];
            buf.flip();
            buf.get(msg);
            Map<String, String> ev = parse(msg, n);
            if (ev != null && "add".equals(ev.get("ACTION"))
                    && (subsystems.contains(ev.get("SUBSYSTEM")) || "?".equals(ev.get("SUBSYSTEM")))) {
                deliver(ev);
            }
        }
    }

    private void deliver(Map<String, String> ev) {
        if (closed) {
            return;
        }
        try {
            onAdd.accept(ev);
        } catch (RuntimeException e) {
            LOG.warn("handling a device event failed: {}", e.toString());
        }
    }

    private void end() {
        if (registration != null) {
            try {
                registration.cancel();
            } catch (Exception e) {
                LOG.debug("cancel: {}", e.toString());
            }
            registration = null;
        }
        try {
            nettyFd.close();
        } catch (IOException e) {
            LOG.debug("close: {}", e.toString());
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (loop.isShuttingDown()) {
            end();
        } else {
            loop.execute(this::end);
        }
    }

    private final class Handle implements EpollIoHandle {
        @Override
        public FileDescriptor fd() {
            return nettyFd;
        }

        @Override
        public void handle(IoRegistration reg, IoEvent event) {
            try {
                onReadable();
            } catch (Throwable t) {
                LOG.warn("device events failed: {}", t.toString());
                end();
            }
        }

        @Override
        public void close() {
            end();
        }
    }
}
