// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;
import org.guestd.core.AgentException;
import org.guestd.core.env.Clock;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.env.HostPaths;
import org.guestd.core.env.ProcessCommandRunner;
import org.guestd.guestinfo.GuestInfo;
import org.guestd.guestinfo.LinuxGuestInfo;
import org.guestd.host.hyperv.HvChannel;
import org.guestd.host.hyperv.KvpKernel;
import org.guestd.jna.linux.RouteDump;
import org.guestd.kvp.KvpException;
import org.guestd.kvp.KvpIntrinsics;
import org.guestd.kvp.KvpStore;
import org.guestd.kvp.file.FileKvpStore;
import org.guestd.kvp.intrinsics.Fqdn;
import org.guestd.kvp.intrinsics.LinuxKvpIntrinsics;
import org.guestd.transport.IoLoop;
import org.guestd.transport.MessageFdTransport;

/**
 * guestd's KVP daemon side for the differential test and the benchmark: the same endpoint as in the
 * agent (transport on the epoll loop, protocol on a worker pool) on a fresh emulator channel.
 */
final class KvpSides {
    private KvpSides() {}

    /** The version guestd reports as IntegrationServicesVersion here (one of the two allowed differences). */
    static final String SERVICES_VERSION = "guestd-test";

    /** The kvp module's store on {@code dir}, with the agent's defaults (0600 files, fsync on). */
    static FileKvpStore guestdStore(Path dir) throws IOException {
        return guestdStore(dir, true);
    }

    /** The kvp module's store on {@code dir}, fsync as given. */
    static FileKvpStore guestdStore(Path dir, boolean fsync) throws IOException {
        return guestdStore(dir, fsync, FileKvpStore::realtimeNanos);
    }

    /** The kvp module's store on {@code dir} with its file-timestamp clock given (tests of the cache). */
    static FileKvpStore guestdStore(Path dir, boolean fsync, LongSupplier nowNanos)
            throws IOException {
        FileKvpStore store = new FileKvpStore(new FileKvpStore.Options(dir, 0600, 0700, fsync), nowNanos);
        try {
            store.init();
        } catch (KvpException e) {
            throw new IOException(e.getMessage(), e);
        }
        return store;
    }

    /**
     * The kvp module's intrinsics as the agent builds them: guestinfo's collectors on this machine's
     * /proc, /sys, /etc and /run with the native probes, the Debian scripts directory, the real
     * getaddrinfo. {@code configDir} receives ifcfg files of SET_IP_INFO (never /var/lib/hyperv).
     * The read-only helper scripts run for real; {@code hv_set_ifconfig}, which would reconfigure
     * this machine's network, is refused by the runner whatever a test sends.
     */
    static KvpIntrinsics guestdIntrinsics(Path configDir) {
        HostPaths paths = HostPaths.system();
        GuestInfo info = new LinuxGuestInfo(paths, Clock.SYSTEM, new LiveProbes(),
                LinuxGuestInfo.Options.defaults(paths, Optional.empty(), Optional.empty()));
        ProcessCommandRunner real = new ProcessCommandRunner();
        CommandRunner noNetworkChanges = (argv, stdin, timeout) -> {
            if (argv.get(0).contains("hv_set_ifconfig")) {
                throw AgentException.generic("test runner: refusing to run " + argv.get(0)
                        + " on the build machine");
            }
            return real.run(argv, stdin, timeout);
        };
        return new LinuxKvpIntrinsics(info, paths, noNetworkChanges, configDir,
                Path.of("/usr/libexec/hypervkvpd"), LinuxKvpIntrinsics.SetIpMode.IFCFG, () -> SERVICES_VERSION,
                Fqdn::of, RouteDump::dump);
    }

    /**
     * A KVP "daemon" that does no work: registers, then answers every request on the event loop with
     * the request itself, status 0 — the round trip of the endpoint, transport and emulator alone.
     */
    static final class EchoProtocol implements DeviceProtocol {
        @Override
        public String name() {
            return "kvp-echo";
        }

        @Override
        public byte[] register() {
            return KvpWire.registration();
        }

        @Override
        public byte[] handle(byte[] message) {
            return handleQuick(message); // on the worker when the endpoint was busy; null: the handshake reply
        }

        @Override
        public byte[] handleQuick(byte[] message) {
            if (message.length != KvpWire.MSG_SIZE || message[KvpWire.OFF_OP] == KvpWire.OP_REGISTER1) {
                return null;
            }
            byte[] reply = message.clone();
            Wire.putU32(reply, KvpWire.OFF_ERROR, HvStatus.S_OK);
            return reply;
        }
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
            this(new KvpProtocol(store, intrinsics));
        }

        /** Any protocol on the same endpoint and transport (the benchmark's no-work floor). */
        Guestd(DeviceProtocol protocol) throws IOException {
            HvChannel ch = new HvChannel();
            transport = new MessageFdTransport(ch.handOver(), loop, HypervService.KVP_BUFFER);
            transport.start(new MessageEndpoint(protocol, workers));
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
