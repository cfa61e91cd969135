// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.guestd.host.hyperv.HvChannel;
import org.guestd.host.hyperv.KvpKernel;
import org.guestd.kvp.KvpIntrinsics;
import org.guestd.kvp.KvpStore;
import org.guestd.transport.IoLoop;
import org.guestd.transport.MessageFdTransport;

/**
 * guestd's KVP daemon side for the differential test and the benchmark: the same endpoint as in the
 * agent (transport on the epoll loop, protocol on a worker pool) on a fresh emulator channel.
 */
final class KvpSides {
    private KvpSides() {}

    /**
     * THE SWAP POINT: the store guestd serves in the differential test and the benchmark. Until the kvp
     * module's file store is merged this is the test-only stand-in; at merge replace this line with
     * the real store on {@code dir}.
     */
    static KvpStore guestdStore(Path dir) throws IOException {
        return new TestOnlyFileKvpStore(dir);
    }

    /** THE SWAP POINT for the intrinsics (auto pool, IP info); see {@link TestOnlyIntrinsics}. */
    static KvpIntrinsics guestdIntrinsics() {
        return new TestOnlyIntrinsics();
    }

    /** A running guestd KVP endpoint and the kernel emulator talking to it. */
    static final class Guestd implements AutoCloseable {
        final IoLoop loop = IoLoop.create();
        final ExecutorService workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "guestd-worker");
            t.setDaemon(true);
            return t;
        });
        final KvpKernel kernel;
        final MessageFdTransport transport;

        Guestd(KvpStore store, KvpIntrinsics intrinsics) throws IOException {
            HvChannel ch = new HvChannel();
            transport = new MessageFdTransport(ch.handOver(), loop, HypervService.KVP_BUFFER);
            transport.start(new MessageEndpoint(new KvpProtocol(store, intrinsics, Path.of("/sys/class/net")), workers));
            kernel = new KvpKernel(ch);
            kernel.awaitRegistration(Duration.ofSeconds(10));
        }

        @Override
        public void close() {
            kernel.close();
            transport.close();
            loop.close();
            workers.shutdownNow();
        }
    }
}
