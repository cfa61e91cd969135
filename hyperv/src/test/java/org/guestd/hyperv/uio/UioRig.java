// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv.uio;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.guestd.host.vmbus.FcopyHost;
import org.guestd.host.vmbus.UioHostEmulator;
import org.guestd.hyperv.FcopyFileReceiver;
import org.guestd.transport.IoLoop;
import org.guestd.vmbus.UioDevice;
import org.guestd.vmbus.VmbusChannel;

/** guestd's UIO fcopy on an event loop, driven by the host emulator; files land under {@code root}. */
final class UioRig implements AutoCloseable {
    final IoLoop loop = IoLoop.create();
    final ExecutorService pool = Executors.newCachedThreadPool();
    final UioHostEmulator emu;
    final FcopyHost host;
    final Path root;
    final AtomicInteger rescinds = new AtomicInteger();
    FcopyUioHandler handler;
    VmbusChannel channel;

    UioRig(Path root, UioHostEmulator.Kernel kernel) throws Exception {
        this(root, new UioHostEmulator(UioHostEmulator.FCOPY_RING_SIZE, kernel));
    }

    UioRig(Path root, UioHostEmulator emu) throws Exception {
        this.root = Files.createDirectories(root);
        this.emu = emu;
        this.host = new FcopyHost(emu, Duration.ofSeconds(10));
    }

    /** Starts the guest side (the emulator may already hold packets). */
    UioRig start() throws Exception {
        handler = new FcopyUioHandler(new FcopyFileReceiver(root), new SerialExecutor(pool), rescinds::incrementAndGet);
        channel = VmbusChannel.start(loop, UioDevice.ofSpec(emu.handOver()), handler);
        return this;
    }

    /** The channel's wake-up count, read on its loop. */
    long wakeups() throws Exception {
        return loop.eventLoop().submit(() -> channel.wakeups()).get();
    }

    long signals() throws Exception {
        return loop.eventLoop().submit(() -> channel.signals()).get();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close();
        }
        loop.close();
        pool.shutdownNow();
        emu.close();
    }
}
