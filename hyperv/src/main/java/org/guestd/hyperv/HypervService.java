// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import org.guestd.core.AgentException;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.spi.AgentService;
import org.guestd.core.spi.ServiceContext;
import org.guestd.core.status.ChannelState;
import org.guestd.core.status.ChannelStatus;
import org.guestd.files.FileReceiver;
import org.guestd.freeze.FsFreezer;
import org.guestd.heartbeat.Heartbeat;
import org.guestd.hyperv.uio.UioFcopy;
import org.guestd.kvp.KvpIntrinsics;
import org.guestd.kvp.KvpStore;
import org.guestd.transport.ChannelOpenException;
import org.guestd.transport.IoLoop;
import org.guestd.transport.MessageFdTransport;
import org.guestd.transport.Transport;
import org.guestd.vmbus.UioLocator;
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
 *
 * <p>As a {@link ChannelStatus} it reports {@code kvp}, {@code vss} and {@code fcopy}: open on their
 * device, or off and why (not a Hyper-V guest, turned off, not present, busy — another daemon holds
 * it). Every message the host sends is a host contact ({@link #heartbeat}: sources {@code
 * hyperv-kvp}, {@code hyperv-vss}, {@code hyperv-fcopy}).
 */
public final class HypervService implements AgentService, ChannelStatus {
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
    private volatile Heartbeat heartbeat;
    private volatile List<ChannelState> states = offAll("not started");
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();

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

    /** Where host contacts are recorded: every message of a channel (call before start). */
    public HypervService heartbeat(Heartbeat h) {
        this.heartbeat = Objects.requireNonNull(h);
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
            publish(offAll("no " + ctx.paths().dev().resolve("vmbus") + ": not a Hyper-V guest"));
            return;
        }
        Map<String, ChannelState> now = new LinkedHashMap<>();
        if ("off".equals(kvpDev)) {
            now.put("kvp", off("kvp", "turned off (kvp-device=off)"));
        } else if (kvpFeature.isEmpty()) {
            LOG.info("kvp: no KVP store (not a Hyper-V guest and no --kvp-pool-dir); KVP channel off");
            now.put("kvp", off("kvp", "no KVP store (not a Hyper-V guest and no --kvp-pool-dir)"));
        } else {
            KvpProtocol p = new KvpProtocol(kvpFeature.get().store(), kvpFeature.get().intrinsics());
            ChannelState st = open(p, kvpDev, KVP_BUFFER, ctx);
            if (st.state() == ChannelState.State.OPEN) {
                kvp = p;
                p.dumpPools();
            }
            now.put("kvp", st);
        }
        if ("off".equals(vssDev)) {
            now.put("vss", off("vss", "turned off (vss-device=off)"));
        } else {
            now.put("vss", open(new VssProtocol(freezer), vssDev, SMALL_BUFFER, ctx));
        }
        if ("off".equals(fcopyDev)) {
            now.put("fcopy", off("fcopy", "turned off (fcopy-device=off)"));
        } else if (fcopy.isEmpty()) {
            LOG.info("fcopy: no file receiver; fcopy channel off");
            now.put("fcopy", off("fcopy", "no file receiver"));
        } else if (fcopyUio.startsWith("fd:") || (!"off".equals(fcopyUio) && usesUio(ctx, fcopyDev))) {
            now.put("fcopy", startUio(ctx, fcopyUio,
                    new FcopyFileReceiver(fcopy.get(), () -> contact(source("fcopy")))));
        } else {
            now.put("fcopy", open(new FcopyProtocol(fcopy.get()), fcopyDev, SMALL_BUFFER, ctx));
        }
        publish(List.copyOf(now.values()));
    }

    @Override
    public List<ChannelState> channels() {
        return states;
    }

    @Override
    public void onChange(Runnable listener) {
        changeListeners.add(Objects.requireNonNull(listener));
    }

    private void publish(List<ChannelState> s) {
        states = s;
        for (Runnable r : changeListeners) {
            r.run();
        }
    }

    private static String source(String channel) {
        return "hyperv-" + channel;
    }

    private static ChannelState off(String channel, String reason) {
        return ChannelState.off(channel, reason, source(channel));
    }

    private static List<ChannelState> offAll(String reason) {
        return List.of(off("kvp", reason), off("vss", reason), off("fcopy", reason));
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

    private ChannelState startUio(ServiceContext ctx, String spec, FcopyFileReceiver receiver)
            throws AgentException {
        if (loop == null) {
            LOG.info("fcopy: no event loop for the UIO channel; fcopy off");
            return off("fcopy", "no event loop for the UIO channel");
        }
        try {
            if (spec.startsWith("fd:")) {
                AutoCloseable ch = UioFcopy.serveDescriptors(loop, ctx.blocking(), receiver, spec);
                synchronized (running) {
                    uio.add(ch);
                }
                LOG.info("fcopy channel on {} (uio)", spec);
                return ChannelState.open("fcopy", "uio:" + spec, -1, source("fcopy"));
            }
        } catch (IOException e) {
            throw new AgentException("hyperv: fcopy: " + e.getMessage());
        }
        UioLocator locator = new UioLocator(ctx.paths().sys(), ctx.paths().dev());
        if (!locator.busPresent()) {
            LOG.info("fcopy: no {} and no VMBus; fcopy off", ctx.paths().dev().resolve("vmbus/hv_fcopy"));
            return off("fcopy", "no " + ctx.paths().dev().resolve("vmbus/hv_fcopy") + " and no VMBus");
        }
        UioFcopy f = new UioFcopy(loop, ctx.blocking(), receiver, locator);
        synchronized (running) {
            uio.add(f);
        }
        f.start();
        // served through uio_hv_generic; the device may be bound later (the watch in UioFcopy)
        return ChannelState.open("fcopy", "uio:vmbus fcopy (uio_hv_generic)", -1, source("fcopy"));
    }

    private void contact(String source) {
        Heartbeat h = heartbeat;
        if (h != null) {
            h.contact(source, Heartbeat.ContactKind.REQUEST);
        }
    }

    /** The version the kernel reported at KVP registration; empty until then. */
    public String kvpDriverVersion() {
        KvpProtocol p = kvp;
        return p == null ? "" : p.driverVersion();
    }

    /** Opens one channel's device; its state: open, or off and why. */
    private ChannelState open(DeviceProtocol protocol, String device, int buffer, ServiceContext ctx)
            throws AgentException {
        String channel = protocol.name();
        String contactSource = source(channel);
        MessageEndpoint endpoint = new MessageEndpoint(protocol, ctx.blocking(), () -> contact(contactSource));
        Transport t = transports.apply(device, buffer);
        try {
            t.start(endpoint);
        } catch (ChannelOpenException e) {
            t.close();
            if (e.reason() == ChannelOpenException.Reason.ABSENT) {
                LOG.info("{}: {} not present; {} channel off", channel, device, channel.toUpperCase());
                return off(channel, device + " not present");
            } else if (e.reason() == ChannelOpenException.Reason.BUSY) {
                LOG.warn("{}: {} is busy: another daemon holds it (hv_{}_daemon? stop hv-{}-daemon.service"
                        + " to let guestd serve it); {} channel off", channel, device, channel, channel,
                        channel.toUpperCase());
                return off(channel, device + " is busy: another daemon holds it (hv_" + channel + "_daemon?)");
            }
            LOG.warn("{}: cannot open {}: {}; {} channel off", channel, device, e.getMessage(),
                    channel.toUpperCase());
            return off(channel, "cannot open " + device + ": " + e.getMessage());
        } catch (IOException | IllegalArgumentException e) {
            t.close();
            throw new AgentException("hyperv: " + channel + ": " + e.getMessage());
        }
        synchronized (running) {
            running.add(t);
        }
        LOG.info("{} channel on {}", channel, device);
        return ChannelState.open(channel, device, -1, contactSource);
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
        boolean any;
        synchronized (running) {
            any = !running.isEmpty() || !uio.isEmpty();
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
        if (any) {
            publish(offAll("stopped"));
        }
    }
}
