// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import org.guestd.core.AgentException;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.spi.AgentService;
import org.guestd.core.spi.ServiceContext;
import org.guestd.files.FileReceiver;
import org.guestd.freeze.FsFreezer;
import org.guestd.hyperv.uio.UioFcopy;
import org.guestd.vmbus.UioLocator;
import org.guestd.vmbus.UioLocator;
import org.guestd.kvp.KvpIntrinsics;
import org.guestd.kvp.KvpStore;
import org.guestd.transport.ChannelOpenException;
import org.guestd.transport.IoLoop;
import org.guestd.transport.MessageFdTransport;
import org.guestd.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Hyper-V channels over the hv_utils char devices: KVP ({@code /dev/vmbus/hv_kvp}, onto the
 * {@link KvpStore} and {@link KvpIntrinsics} of the kvp feature), VSS ({@code hv_vss}, onto the
 * {@link FsFreezer} of the freeze feature) and file copy ({@code hv_fcopy}, onto the files
 * feature's {@link FileReceiver}). Each channel is
 * independent: a missing device turns that channel off with one log line, a busy one (hv_kvp_daemon
 * or its siblings hold it; the kernel allows one opener) with a message saying so. After an error a
 * device is reopened with backoff and registers again.
 *
 * <p>Options (in {@code [general]} from the command line, or in {@code [hyperv]}): {@code kvp-device},
 * {@code vss-device}, {@code fcopy-device} — a path or {@code fd:N}, or {@code off}; {@code fcopy-root}
 * — the directory host files must land under (default {@code /}).
 */
public final class HypervService implements AgentService {
    /** Default device paths. */
    public static final String KVP_DEVICE = "/dev/vmbus/hv_kvp";
    public static final String VSS_DEVICE = "/dev/vmbus/hv_vss";
    public static final String FCOPY_DEVICE = "/dev/vmbus/hv_fcopy";
    /** Read buffers: larger than any message, so a wrong-sized one is seen and answered, not cut. */
    static final int KVP_BUFFER = 16 * 1024;
    static final int SMALL_BUFFER = 8 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.hyperv");

    /** The KVP feature the KVP channel serves: the pool files and the auto pool / IP info. */
    public record Kvp(KvpStore store, KvpIntrinsics intrinsics) {
        public Kvp {
            Objects.requireNonNull(store, "store");
            Objects.requireNonNull(intrinsics, "intrinsics");
        }
    }

    private final BiFunction<String, Integer, Transport> transports;
    private final Optional<Kvp> kvpFeature;
    private final Optional<FsFreezer> freezer;
    private final Optional<FileReceiver> fcopy;
    private volatile boolean vmbusPresent = true;
    private final List<Transport> running = new ArrayList<>();
    private final List<AutoCloseable> uio = new ArrayList<>();
    private final IoLoop loop;
    private volatile KvpProtocol kvp;

    /**
     * Channels on the agent's event loop.
     *
     * @param kvp the KVP feature; empty: the KVP channel stays off (as without hv_kvp_daemon)
     * @param freezer the freeze feature; empty: VSS freezes fail as hv_vss_daemon's do without one
     * @param fcopy the files feature's receiver; empty: the fcopy channel stays off
     */
    public HypervService(IoLoop loop, Optional<Kvp> kvp, Optional<FsFreezer> freezer, Optional<FileReceiver> fcopy) {
        this((path, buffer) -> new MessageFdTransport(path, loop, buffer), kvp, freezer, fcopy, loop);
    }

    /**
     * Whether this guest has a VMBus at all ({@code /dev/vmbus}, decided by the composition root):
     * without one and with every device at its default, the channels are off with one log line
     * instead of three "not present" lines. Default: assumed present.
     */
    public HypervService vmbusPresent(boolean present) {
        this.vmbusPresent = present;
        return this;
    }

    /** @param transports makes the message transport for a device path and read-buffer size (tests) */
    public HypervService(BiFunction<String, Integer, Transport> transports, Optional<Kvp> kvp,
            Optional<FsFreezer> freezer, Optional<FileReceiver> fcopy) {
        this(transports, kvp, freezer, fcopy, null);
    }

    /**
     * @param loop the event loop for the file-copy channel over {@code uio_hv_generic} (null: that
     *     channel stays off)
     */
    public HypervService(BiFunction<String, Integer, Transport> transports, Optional<Kvp> kvp,
            Optional<FsFreezer> freezer, Optional<FileReceiver> fcopy, IoLoop loop) {
        this.loop = loop;
        this.transports = Objects.requireNonNull(transports);
        this.kvpFeature = Objects.requireNonNull(kvp);
        this.freezer = Objects.requireNonNull(freezer);
        this.fcopy = Objects.requireNonNull(fcopy);
    }

    /**
     * Where host files may land ({@code fcopy-root} in {@code [general]} or {@code [hyperv]}, default
     * {@code /}): the composition root builds the files feature's {@link FileReceiver} with it.
     */
    public static Path fcopyRoot(ConfigSection general, ConfigSection hyperv) {
        return Path.of(option(general, hyperv, "fcopy-root", "/"));
    }

    @Override
    public String name() {
        return "hyperv";
    }

    @Override
    public void start(ServiceContext ctx) throws AgentException {
        String kvpDev = option(ctx, "kvp-device", KVP_DEVICE);
        String vssDev = option(ctx, "vss-device", VSS_DEVICE);
        String fcopyDev = option(ctx, "fcopy-device", FCOPY_DEVICE);
        String fcopyUio = option(ctx, "fcopy-uio-device", "auto");
        if (isDefault(kvpDev, vssDev, fcopyDev) && !vmbusPresent && !fcopyUio.startsWith("fd:")
                && !new UioLocator(ctx.paths().sys(), ctx.paths().dev()).busPresent()) {
            LOG.info("no {}: not a Hyper-V guest, channels off", ctx.paths().dev().resolve("vmbus"));
            return;
        }
        if (kvpFeature.isEmpty()) {
            if (!"off".equals(kvpDev)) {
                LOG.info("kvp: no KVP store (not a Hyper-V guest and no --kvp-pool-dir); KVP channel off");
            }
        } else if (!"off".equals(kvpDev)) {
            KvpProtocol p = new KvpProtocol(kvpFeature.get().store(), kvpFeature.get().intrinsics());
            if (open("kvp", kvpDev, KVP_BUFFER, new MessageEndpoint(p, ctx.blocking()))) {
                kvp = p;
                p.dumpPools();
            }
        }
        if (!"off".equals(vssDev)) {
            open("vss", vssDev, SMALL_BUFFER,
                    new MessageEndpoint(new VssProtocol(freezer), ctx.blocking()));
        }
        if (fcopy.isEmpty()) {
            if (!"off".equals(fcopyDev)) {
                LOG.info("fcopy: no file receiver; fcopy channel off");
            }
        } else if (!"off".equals(fcopyDev)) {
            if (fcopyUio.startsWith("fd:") || (!"off".equals(fcopyUio) && usesUio(ctx, fcopyDev))) {
                startUio(ctx, fcopyUio, new FcopyFileReceiver(fcopy.get()));
            } else {
                open("fcopy", fcopyDev, SMALL_BUFFER,
                        new MessageEndpoint(new FcopyProtocol(fcopy.get()), ctx.blocking()));
            }
        }
    }

    /**
     * The runtime choice: the char device when it exists (kernels before 6.10) or was named
     * explicitly; else the fcopy VMBus device through {@code uio_hv_generic}.
     */
    private static boolean usesUio(ServiceContext ctx, String fcopyDev) {
        if (!fcopyDev.equals(FCOPY_DEVICE)) {
            return false; // an explicit char device path or fd:N
        }
        return !UioLocator.charDeviceExists(ctx.paths().dev());
    }

    private void startUio(ServiceContext ctx, String spec, FcopyFileReceiver receiver) throws AgentException {
        if (loop == null) {
            LOG.info("fcopy: no event loop for the UIO channel; fcopy off");
            return;
        }
        try {
            if (spec.startsWith("fd:")) {
                AutoCloseable ch = UioFcopy.serveDescriptors(loop, ctx.blocking(), receiver, spec);
                synchronized (running) {
                    uio.add(ch);
                }
                LOG.info("fcopy channel on {} (uio)", spec);
                return;
            }
        } catch (IOException e) {
            throw new AgentException("hyperv: fcopy: " + e.getMessage());
        }
        UioLocator locator = new UioLocator(ctx.paths().sys(), ctx.paths().dev());
        if (!locator.busPresent()) {
            LOG.info("fcopy: no {} and no VMBus; fcopy off", ctx.paths().dev().resolve("vmbus/hv_fcopy"));
            return;
        }
        UioFcopy f = new UioFcopy(loop, ctx.blocking(), receiver, locator);
        synchronized (running) {
            uio.add(f);
        }
        f.start();
    }

    /** The version the kernel reported at KVP registration; empty until then. */
    public String kvpDriverVersion() {
        KvpProtocol p = kvp;
        return p == null ? "" : p.driverVersion();
    }

    private boolean open(String channel, String device, int buffer, MessageEndpoint endpoint) throws AgentException {
        Transport t = transports.apply(device, buffer);
        try {
            t.start(endpoint);
        } catch (ChannelOpenException e) {
            t.close();
            if (e.reason() == ChannelOpenException.Reason.ABSENT) {
                LOG.info("{}: {} not present; {} channel off", channel, device, channel.toUpperCase());
            } else if (e.reason() == ChannelOpenException.Reason.BUSY) {
                LOG.warn("{}: {} is busy: another daemon holds it (hv_{}_daemon? stop hv-{}-daemon.service"
                        + " to let guestd serve it); {} channel off", channel, device, channel, channel,
                        channel.toUpperCase());
            } else {
                LOG.warn("{}: cannot open {}: {}; {} channel off", channel, device, e.getMessage(),
                        channel.toUpperCase());
            }
            return false;
        } catch (IOException | IllegalArgumentException e) {
            t.close();
            throw new AgentException("hyperv: " + channel + ": " + e.getMessage());
        }
        synchronized (running) {
            running.add(t);
        }
        LOG.info("{} channel on {}", channel, device);
        return true;
    }

    private static String option(ServiceContext ctx, String key, String dflt) {
        return option(ctx.general(), ctx.config(), key, dflt);
    }

    private static String option(ConfigSection general, ConfigSection own, String key, String dflt) {
        return general.get(key).or(() -> own.get(key)).filter(s -> !s.isBlank()).orElse(dflt);
    }

    /** All three devices at their defaults. */
    private static boolean isDefault(String kvp, String vss, String fcopy) {
        return kvp.equals(KVP_DEVICE) && vss.equals(VSS_DEVICE) && fcopy.equals(FCOPY_DEVICE);
    }

    @Override
    public void stop() {
        synchronized (running) {
            for (Transport t : running) {
                t.close();
            }
            running.clear();
            for (AutoCloseable c : uio) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.debug("closing {}: {}", c, e.toString());
                }
            }
            uio.clear();
        }
    }
}
