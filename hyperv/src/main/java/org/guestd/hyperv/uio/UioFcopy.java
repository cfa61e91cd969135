// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv.uio;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import org.guestd.transport.IoLoop;
import org.guestd.vmbus.UeventWatch;
import org.guestd.vmbus.UioDevice;
import org.guestd.vmbus.UioLocator;
import org.guestd.vmbus.VmbusChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file-copy channel over {@code uio_hv_generic} from start to rescind and back: finds the
 * device ({@link UioLocator}; binds the driver through {@code new_id} only when nothing is bound),
 * serves it ({@link VmbusChannel} + {@link FcopyUioHandler}), and after a rescind (EIO: "Guest
 * services" disabled) waits for the device to be added again — a kernel uevent for the vmbus or
 * uio subsystem, no polling — and serves the new one. A test seam ({@code fd:MAP,EVENT}) serves
 * exactly the descriptors given, once.
 */
public final class UioFcopy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.hyperv");

    /** Opens a UIO device; the seam. */
    @FunctionalInterface
    public interface Opener {
        UioDevice open(UioLocator.Found found) throws IOException;
    }

    /** Watches for devices being added (the seam for tests). */
    @FunctionalInterface
    public interface AddWatch {
        AutoCloseable watch(Runnable onAdd) throws IOException;
    }

    private final IoLoop loop;
    private final Executor blocking;
    /** One for the receiver's whole life: an old channel's abort never races a new channel's copy. */
    private final SerialExecutor serial;
    private final FileReceiver receiver;
    private final UioLocator locator;
    private final Opener opener;
    private final AddWatch addWatch;
    private VmbusChannel channel; // guarded by this
    private AutoCloseable watch; // guarded by this
    private boolean closed; // guarded by this
    private boolean bindTried; // guarded by this

    public UioFcopy(IoLoop loop, Executor blocking, FileReceiver receiver, UioLocator locator) {
        this(loop, blocking, receiver, locator, f -> UioDevice.open(f.node().orElseThrow(), f.ringSize()),
                onAdd -> UeventWatch.adds(loop, Set.of("vmbus", "uio"), (Map<String, String> ev) -> onAdd.run()));
    }

    public UioFcopy(IoLoop loop, Executor blocking, FileReceiver receiver, UioLocator locator, Opener opener,
            AddWatch addWatch) {
        this.loop = Objects.requireNonNull(loop);
        this.blocking = Objects.requireNonNull(blocking);
        this.serial = new SerialExecutor(blocking);
        this.receiver = Objects.requireNonNull(receiver);
        this.locator = Objects.requireNonNull(locator);
        this.opener = Objects.requireNonNull(opener);
        this.addWatch = Objects.requireNonNull(addWatch);
    }

    /** Serves a test seam's descriptors ({@code fd:MAP,EVENT}): once, no re-add. */
    public static VmbusChannel serveDescriptors(IoLoop loop, Executor blocking, FileReceiver receiver, String spec)
            throws IOException {
        FcopyUioHandler h = new FcopyUioHandler(receiver, new SerialExecutor(blocking),
                () -> LOG.warn("fcopy: the UIO channel {} is gone", spec));
        return VmbusChannel.start(loop, UioDevice.ofSpec(spec), h);
    }

    /**
     * Looks for the device and serves it if it is there.
     *
     * @return whether the channel is being served
     */
    public synchronized boolean start() {
        if (closed || channel != null) {
            return channel != null;
        }
        try {
            Optional<Path> inst = locator.instance();
            if (inst.isEmpty()) {
                LOG.info("fcopy: no file-copy VMBus device (class {}); fcopy off until one is added",
                        UioLocator.FCOPY_CLASS);
                awaitAdd();
                return false;
            }
            UioLocator.Found f = locator.inspect(inst.get());
            if (f.node().isEmpty()) {
                if (f.driver().isPresent() && !f.driver().get().equals(UioLocator.UIO_DRIVER)) {
                    LOG.warn("fcopy: {} is held by the driver {}; not taken", inst.get().getFileName(), f.driver().get());
                    return false;
                }
                if (!bindTried && f.driver().isEmpty()) {
                    bindTried = true;
                    if (locator.bind()) {
                        LOG.info("fcopy: asked uio_hv_generic to take the fcopy class (new_id)");
                    } else {
                        LOG.warn("fcopy: uio_hv_generic is not loaded (modprobe uio_hv_generic); waiting for it");
                    }
                }
                awaitAdd(); // the uio node comes with a uevent
                return false;
            }
            if (f.ringSize() <= 0) {
                LOG.warn("fcopy: no ring size under {}/channels; waiting", inst.get());
                awaitAdd();
                return false;
            }
            if (!locator.nodeExists(f)) {
                awaitAdd();
                return false;
            }
            UioDevice d = opener.open(f);
            FcopyUioHandler h = new FcopyUioHandler(receiver, serial, this::rescinded);
            channel = VmbusChannel.start(loop, d, h);
            stopWatch();
            LOG.info("fcopy channel on {} (uio_hv_generic, ring {} bytes)", f.node().get(), f.ringSize());
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("fcopy: cannot serve the UIO device: {}; waiting for it to be added again", e.toString());
            awaitAdd();
            return false;
        }
    }

    private void rescinded() {
        synchronized (this) {
            channel = null;
            if (closed) {
                return;
            }
        }
        LOG.warn("fcopy: the host took the channel away (Guest services disabled?); waiting for it to come back");
        synchronized (this) {
            awaitAdd();
        }
    }

    /** Starts watching for device additions (once); each one triggers another look. */
    private void awaitAdd() {
        if (watch != null || closed) {
            return;
        }
        try {
            watch = addWatch.watch(() -> blocking.execute(this::start));
        } catch (IOException | RuntimeException e) {
            LOG.warn("fcopy: cannot watch for devices ({}); fcopy stays off until guestd restarts", e.toString());
        }
    }

    private void stopWatch() {
        if (watch != null) {
            try {
                watch.close();
            } catch (Exception e) {
                LOG.debug("fcopy: closing the device watch: {}", e.toString());
            }
            watch = null;
        }
    }

    /** Whether a channel is being served now. */
    public synchronized boolean serving() {
        return channel != null;
    }

    @Override
    public synchronized void close() {
        closed = true;
        stopWatch();
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
