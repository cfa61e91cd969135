// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.guestd.core.AgentException;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.env.Clock;
import org.guestd.core.spi.AgentService;
import org.guestd.core.spi.ServiceContext;
import org.guestd.core.status.ChannelState;
import org.guestd.core.status.ChannelStatus;
import org.guestd.qga.command.QgaCommands;
import org.guestd.qga.dispatch.CommandRegistry;
import org.guestd.qga.dispatch.Dispatcher;
import org.guestd.qga.dispatch.QgaCommand;
import org.guestd.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The QEMU Guest Agent endpoint as an agent service (name {@code qga}): builds the command
 * registry over the {@link QgaFeatures} the composition root hands it, applies {@code [general]}
 * {@code block-rpcs} / {@code allow-rpcs}, and serves the transport the agent chose.
 *
 * <p>Config keys ({@code [general]}, lists as in qemu-ga's config file or comma-separated):
 * {@code block-rpcs} (also the deprecated 7.2 key {@code blacklist}) and {@code allow-rpcs}.
 * Giving both is refused with qemu-ga's message.
 *
 * <p>As a {@link ChannelStatus} it reports one channel, {@code qga}: the transport and its sessions
 * (host contacts recorded as {@code "qga"}); {@link #commands()} is the command policy in effect.
 */
public final class QgaService implements AgentService, ChannelStatus {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.qga");

    public static final String NAME = "qga";
    public static final String KEY_BLOCK_RPCS = "block-rpcs";
    public static final String KEY_BLACKLIST = "blacklist";
    public static final String KEY_ALLOW_RPCS = "allow-rpcs";
    /** qemu-ga's text when both lists are given. */
    public static final String BOTH_LISTS_MESSAGE =
            "wrong commandline, using --block-rpcs and --allow-rpcs at the same time is not allowed";

    private final Supplier<Transport> transportSupplier;
    private final QgaFeatures features;
    private final String version;
    private volatile Transport transport;
    private volatile QgaEndpoint endpoint;
    private volatile CommandRegistry registry;
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();

    /**
     * @param transportSupplier creates the transport to serve (called once per start)
     * @param features what the commands act on
     * @param version what guest-info reports as {@code version}
     */
    public QgaService(Supplier<Transport> transportSupplier, QgaFeatures features, String version) {
        this.transportSupplier = Objects.requireNonNull(transportSupplier);
        this.features = Objects.requireNonNull(features);
        this.version = Objects.requireNonNull(version);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(ServiceContext ctx) throws AgentException {
        CommandRegistry reg = newRegistry(features, version, ctx.general());
        QgaEndpoint ep = new QgaEndpoint(new Dispatcher(reg), ctx.blocking()).onSessionChange(this::changed);
        Transport t = transportSupplier.get();
        try {
            t.start(ep);
        } catch (IOException e) {
            t.close();
            throw AgentException.generic("cannot open " + t.describe() + ": " + e.getMessage(), e);
        }
        registry = reg;
        endpoint = ep;
        transport = t;
        changed();
        LOG.info("serving QGA on {} ({} commands)", t.describe(), reg.commands().size());
    }

    @Override
    public void stop() {
        Transport t = transport;
        transport = null;
        endpoint = null;
        if (t != null) {
            t.close();
            changed();
        }
    }

    @Override
    public List<ChannelState> channels() {
        Transport t = transport;
        QgaEndpoint ep = endpoint;
        if (t == null || ep == null) {
            return List.of(ChannelState.off(NAME, "not started", NAME));
        }
        return List.of(ChannelState.open(NAME, t.describe(), ep.sessionCount(), NAME));
    }

    @Override
    public void onChange(Runnable listener) {
        changeListeners.add(Objects.requireNonNull(listener));
    }

    private void changed() {
        for (Runnable r : changeListeners) {
            r.run();
        }
    }

    /** The commands the block/allow lists enable and disable (frozen state aside), in schema order. */
    public record Commands(List<String> enabled, List<String> disabled) {
        public Commands {
            enabled = List.copyOf(enabled);
            disabled = List.copyOf(disabled);
        }
    }

    /** The command policy in effect; empty before start. */
    public Optional<Commands> commands() {
        CommandRegistry reg = registry;
        if (reg == null) {
            return Optional.empty();
        }
        List<String> on = new ArrayList<>();
        List<String> off = new ArrayList<>();
        for (QgaCommand c : reg.commands()) {
            (reg.enabledByPolicy(c.name()) ? on : off).add(c.name());
        }
        return Optional.of(new Commands(on, off));
    }

    /**
     * Builds the registry with every implemented command over {@code features} and the block/allow
     * lists of {@code general}; no transport involved (also for tests).
     *
     * @throws AgentException when both a block list and an allow list are configured
     */
    public static CommandRegistry newRegistry(QgaFeatures features, String version, ConfigSection general)
            throws AgentException {
        List<String> blocked = new ArrayList<>(general.getList(KEY_BLOCK_RPCS));
        blocked.addAll(general.getList(KEY_BLACKLIST));
        List<String> allowed = general.getList(KEY_ALLOW_RPCS);
        if (!blocked.isEmpty() && !allowed.isEmpty()) {
            throw AgentException.generic(BOTH_LISTS_MESSAGE);
        }
        CommandRegistry reg = new CommandRegistry();
        for (QgaCommand c : QgaCommands.all(features, reg, version)) {
            reg.register(c);
            if (!c.supported()) {
                blocked.add(c.name()); // qemu-ga: unsupported features are added to the blocked list
            }
        }
        reg.setBlocked(blocked);
        reg.setAllowed(allowed.isEmpty() ? null : allowed);
        return reg;
    }

    /**
     * The names of the commands this version implements, in registration (schema) order: what
     * {@code -b help} prints, as qemu-ga does.
     */
    public static List<String> commandNames() {
        List<String> names = new ArrayList<>();
        for (QgaCommand c : QgaCommands.all(QgaFeatures.of(null, Clock.SYSTEM), new CommandRegistry(), "")) {
            names.add(c.name());
        }
        return names;
    }

    /** A dispatcher over {@link #newRegistry}: the whole protocol minus the transport. */
    public static Dispatcher newDispatcher(QgaFeatures features, String version, ConfigSection general)
            throws AgentException {
        return new Dispatcher(newRegistry(features, version, general));
    }
}
