// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen;

import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import org.guestd.core.AgentException;
import org.guestd.core.env.HostPaths;
import org.guestd.core.facts.FactPublisher;
import org.guestd.core.spi.AgentService;
import org.guestd.core.spi.Availability;
import org.guestd.core.spi.ServiceContext;
import org.guestd.core.status.ChannelState;
import org.guestd.core.status.ChannelStatus;
import org.guestd.shutdown.PowerControl;
import org.guestd.transport.IoLoop;
import org.guestd.xen.client.XenbusConnector;
import org.guestd.xen.client.XenstoreClient;
import org.guestd.xen.keys.GuestKeys;
import org.guestd.xen.keys.XenKeyWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Xen channel: guestd's keys in xenstore, fed by the fact publisher ({@link KeyPublisher}),
 * republished at once after a resume or migration ({@link ResumeWatch}, which also has the clock
 * checked), and {@code control/shutdown} where the kernel does not answer it ({@link ShutdownWatch}).
 * All of it runs on the agent's event loop through one {@link XenstoreClient}.
 *
 * <p>Off, with one log line from the runtime, where there is no {@code /dev/xen/xenbus} nor
 * {@code /proc/xen/xenbus} (not a Xen guest) or with {@code --xenbus-device off}. Settings:
 * {@link XenSettings}.
 *
 * <p>As a {@link ChannelStatus} it reports {@code xen}: open on its device while connected to
 * xenstore, else off and why (not a Xen guest, turned off, connection lost and being retried).
 */
public final class XenService implements AgentService, ChannelStatus {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.xen");
    public static final String NAME = "xen";

    /** Makes the connector for the {@code xenbus-device} option (empty: off). */
    @FunctionalInterface
    public interface Connectors {
        Optional<? extends XenstoreClient.Connector> make(String option, HostPaths paths);
    }

    private final Connectors connectors;
    private final ScheduledExecutorService loop;
    private final FactPublisher facts;
    private final PowerControl power;
    private final Runnable checkClock;
    private final XenstoreClient.Options options;
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();
    private volatile ChannelState state = ChannelState.off(NAME, "not started", null);
    private XenstoreClient client;
    private AutoCloseable subscription;

    /**
     * The channel on the agent's event loop and the xenbus device.
     *
     * @param facts the publisher whose facts become keys
     * @param power the shutdown feature ({@code control/shutdown} when guestd answers it)
     * @param checkClock has the clock checked after a resume or migration (the clock healer's check;
     *     run on a worker)
     */
    public XenService(IoLoop loop, FactPublisher facts, PowerControl power, Runnable checkClock) {
        this((option, paths) -> XenbusConnector.of(option, paths.dev(), paths.proc(), loop), loop.eventLoop(), facts,
                power, checkClock, XenstoreClient.Options.defaults());
    }

    /** With another source of connections, loop and client options (tests). */
    public XenService(Connectors connectors, ScheduledExecutorService loop, FactPublisher facts, PowerControl power,
            Runnable checkClock, XenstoreClient.Options options) {
        this.connectors = Objects.requireNonNull(connectors);
        this.loop = Objects.requireNonNull(loop);
        this.facts = Objects.requireNonNull(facts);
        this.power = Objects.requireNonNull(power);
        this.checkClock = Objects.requireNonNull(checkClock);
        this.options = Objects.requireNonNull(options);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Availability probe(ServiceContext ctx) {
        String device = ctx.general().get(XenSettings.KEY_DEVICE).or(() -> ctx.config().get(XenSettings.KEY_DEVICE))
                .map(String::strip).orElse("");
        if (XenbusConnector.OFF.equals(device)) {
            publish(ChannelState.off(NAME, "turned off (xenbus-device=off)", null));
            return Availability.unavailable("--xenbus-device off");
        }
        if (device.isEmpty() && XenbusConnector.findDevice(ctx.paths().dev(), ctx.paths().proc()).isEmpty()) {
            String why = "no " + ctx.paths().dev().resolve("xen/xenbus") + " nor "
                    + ctx.paths().proc().resolve("xen/xenbus") + ": not a Xen guest";
            publish(ChannelState.off(NAME, why, null));
            return Availability.unavailable(why);
        }
        return Availability.available();
    }

    @Override
    public List<ChannelState> channels() {
        return List.of(state);
    }

    @Override
    public void onChange(Runnable listener) {
        changeListeners.add(Objects.requireNonNull(listener));
    }

    private void publish(ChannelState s) {
        state = s;
        for (Runnable r : changeListeners) {
            r.run();
        }
    }

    @Override
    public void start(ServiceContext ctx) throws AgentException {
        XenSettings settings = XenSettings.from(ctx.general(), ctx.config());
        Optional<? extends XenstoreClient.Connector> connector;
        try {
            connector = connectors.make(settings.device(), ctx.paths());
        } catch (IllegalArgumentException e) {
            throw AgentException.generic("--xenbus-device " + settings.device() + ": " + e.getMessage());
        }
        if (connector.isEmpty()) {
            LOG.info("xen channel off (--xenbus-device off)");
            publish(ChannelState.off(NAME, "turned off (xenbus-device=off)", null));
            return;
        }
        String where = connector.get().describe();
        XenstoreClient c = new XenstoreClient(connector.get(), loop, options, System::nanoTime);
        GuestKeys keys = new GuestKeys(ctx.clock()::monotonicNanos, settings.memoryInterval(), settings.balloon());
        KeyPublisher publisher = new KeyPublisher(c, new XenKeyWriter(c), keys, loop, ctx.clock(), ZoneId.systemDefault());
        ResumeWatch resume = new ResumeWatch(c, publisher::lastStamp, why -> {
            publisher.resumed(why);
            facts.refreshAll();
            ctx.blocking().execute(this::checkClock);
        }, loop);
        ShutdownWatch shutdown = new ShutdownWatch(c, settings.handleShutdown(), power, ctx.blocking(), loop);
        c.addConnectionListener(new XenstoreClient.ConnectionListener() {
            @Override
            public void connected(int generation) {
                publish(ChannelState.open(NAME, where, -1, null));
                resume.connected();
                publisher.connected(generation);
                shutdown.connected();
            }

            @Override
            public void disconnected() {
                publish(ChannelState.off(NAME, "lost the connection to xenstore (" + where + "); reconnecting",
                        null));
                publisher.disconnected();
            }
        });
        resume.start();
        client = c;
        subscription = facts.subscribe(publisher);
        LOG.info("xen channel on {}", where);
        c.start();
    }

    private void checkClock() {
        try {
            checkClock.run();
        } catch (RuntimeException e) {
            LOG.debug("clock check after a resume failed: {}", e.toString());
        }
    }

    @Override
    public void stop() {
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception e) {
                LOG.debug("unsubscribing: {}", e.toString());
            }
            subscription = null;
        }
        if (client != null) {
            client.close();
            client = null;
            publish(ChannelState.off(NAME, "stopped", null));
        }
    }
}
