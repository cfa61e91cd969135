// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.guestd.core.AgentException;
import org.guestd.core.env.Clock;
import org.guestd.core.env.ProcessCommandRunner;
import org.guestd.core.runtime.ServiceRuntime;
import org.guestd.core.spi.AgentService;
import org.guestd.freeze.FreezeService;
import org.guestd.transport.IoLoop;
import org.guestd.transport.Transports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds the explicit service list, wires the channel, runs until SIGTERM or
 * SIGINT, then stops everything in reverse order and exits 0 (qemu-ga's contract, which its test
 * suite checks). A stop that takes longer than {@link #STOP_DEADLINE_MS} is cut short.
 */
final class Agent {
    static final long STOP_DEADLINE_MS = 900;

    private final Settings settings;
    private final Map<String, String> env;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicInteger exitCode = new AtomicInteger(0);
    private Logger log;

    Agent(Settings settings, Map<String, String> env) {
        this.settings = settings;
        this.env = env;
    }

    int runUntilStopped() {
        String logfile = settings.general().get("logfile").orElse(null);
        boolean verbose;
        try {
            verbose = settings.verbose();
        } catch (AgentException e) {
            verbose = false;
        }
        String logProblem = Logging.configure(verbose, logfile, env);
        if (logProblem != null) {
            System.err.println("guestd: " + logProblem);
            return 1;
        }
        log = LoggerFactory.getLogger("org.guestd.agent");
        settings.warnings().forEach(w -> log.warn("{}", w));
        if (settings.configFile() != null) {
            log.debug("config file {}", settings.configFile());
        }
        if (!settings.policyOrigins().isEmpty()) {
            log.info("RPC policy from {}", String.join("; ", settings.policyOrigins()));
        }
        if (settings.general().getString("daemon", "false").equals("true")) {
            log.info("--daemonize ignored: guestd runs in the foreground (systemd Type=notify)");
        }
        Signals.onTermination(this::requestStop);
        SystemdNotifier systemd = SystemdNotifier.fromEnvironment(env);
        systemd.status("starting");

        Path stateDir = prepareStateDir();
        ChannelChoice channel = ChannelChoice.choose(settingsWithStateDir(stateDir), settings.hostPaths().dev());
        if (!channel.probeReport().isEmpty()) {
            log.info("probed channels: {}", String.join("; ", channel.probeReport()));
        }
        if (channel.fallback()) {
            log.info("no QGA channel found: serving QGA on unix socket {} (use -m/-p to choose a channel)",
                    channel.path());
        }
        Path pidfile = settings.general().get("pidfile").map(Path::of).orElse(null);
        // qemu-ga -r/--retry-path: a device missing at start is waited for instead of failing the start
        boolean retryPath = settings.general().getString("retry-path", "false").equals("true");
        IoLoop loop;
        try {
            loop = IoLoop.create();
        } catch (RuntimeException | LinkageError e) {
            // e.g. Netty's epoll library cannot load (a minimal image without libdl/librt)
            log.error("cannot start the epoll event loop: {}", e.toString());
            Logging.shutdown();
            return 1;
        }
        Settings effective = settingsWithStateDir(stateDir);
        ServiceRuntime runtime = new ServiceRuntime(effective.config(), Clock.SYSTEM, settings.hostPaths(),
                new ProcessCommandRunner(), reason -> requestStop(1));
        // memory back after a burst; the old generation bounded during one (armed once serving)
        OldGenCap cap = OldGenCap.forThisJvm();
        runtime.workers().afterEachTask(HeapRelief.forThisJvm(cap)::afterTask);
        Optional<FreezeService> freeze = Optional.empty();
        try {
            Wiring.Inputs inputs = new Wiring.Inputs(effective.config(), settings.hostPaths(), Clock.SYSTEM,
                    new ProcessCommandRunner(), stateDir, Optional.ofNullable(env.get("QGA_OS_RELEASE")).map(Path::of),
                    Optional.ofNullable(env.get("TZ")), Version.get(), Optional.ofNullable(settings.configFile()),
                    settings.policyOrigins());
            Wiring.Assembly assembly = Wiring.build(inputs,
                    () -> Transports.create(channel.method(), channel.path(), loop, retryPath), loop);
            freeze = assembly.freeze();
            if (Logging.freezeGate() != null) { // the log holds its output while frozen
                freeze.ifPresent(f -> f.addListener(Logging.freezeGate()));
            }
            LivenessCheck liveness = LivenessCheck.fromConfig(effective.config().section("heartbeat"),
                    loop::answersWithin, runtime.workers()::longestRunningNanos);
            List<String> started = runtime.start(withSystemd(assembly.services(), systemd, liveness));
            writePidfile(pidfile);
            log.info("guestd {} ready: services {}, QGA on {} {}", Version.get(), started,
                    channel.method().wireName(), channel.path());
            systemd.ready("serving QGA on " + channel.method().wireName() + " " + channel.path());
            if (OldGenCap.neededOn(Runtime.version())) {
                cap.arm(); // after the start: its ~100 management classes cost the first reply 50 ms before it
            }
            awaitStop();
        } catch (AgentException | RuntimeException e) {
            log.error("guestd failed: {}", e.getMessage());
            log.debug("failure detail", e);
            exitCode.set(1);
        } finally {
            freeze.ifPresent(FreezeService::thawBeforeExit); // SIGTERM while frozen: thaw (and hooks) first
            Thread guard = new Thread(() -> {
                try {
                    Thread.sleep(STOP_DEADLINE_MS);
                    Runtime.getRuntime().halt(exitCode.get());
                } catch (InterruptedException ignored) {
                    // stopped in time
                }
            }, "guestd-stop-deadline");
            guard.setDaemon(true);
            guard.start();
            runtime.close();
            loop.close();
            deleteQuietly(pidfile);
            log.info("guestd stopped");
            Logging.shutdown();
            guard.interrupt();
        }
        return exitCode.get();
    }

    /** The service list plus {@link SystemdService}, which must stay last (it stops first). */
    private static List<AgentService> withSystemd(List<AgentService> services, SystemdNotifier systemd,
            LivenessCheck liveness) {
        List<AgentService> all = new ArrayList<>(services);
        all.add(new SystemdService(systemd, liveness));
        return all;
    }

    private void awaitStop() {
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void requestStop() {
        stop.countDown();
    }

    private void requestStop(int code) {
        exitCode.compareAndSet(0, code);
        stop.countDown();
    }

    /**
     * Creates the state dir (0700). When the default {@code /run/guestd} cannot be created (a
     * non-root trial run), a per-user temp dir is used instead, with a log line saying so.
     */
    private Path prepareStateDir() {
        Path dir = settings.stateDir();
        try {
            Files.createDirectories(dir);
            return dir;
        } catch (IOException e) {
            if (settings.general().getString("statedir", "").equals(Defaults.STATEDIR)) {
                Path alt = Path.of(System.getProperty("java.io.tmpdir"), "guestd-" + System.getProperty("user.name"));
                try {
                    Files.createDirectories(alt);
                    log.warn("cannot create state dir {} ({}); using {}", dir, e.getMessage(), alt);
                    return alt;
                } catch (IOException e2) {
                    log.warn("cannot create state dir {}: {}", alt, e2.getMessage());
                }
            } else {
                log.warn("cannot create state dir {}: {}", dir, e.getMessage());
            }
            return dir;
        }
    }

    private Settings settingsWithStateDir(Path dir) {
        return dir.equals(settings.stateDir()) ? settings : settings.withStateDir(dir);
    }

    private void writePidfile(Path pidfile) {
        if (pidfile == null) {
            return;
        }
        try {
            Files.writeString(pidfile, ProcessHandle.current().pid() + "\n");
        } catch (IOException e) {
            log.warn("cannot write pidfile {}: {}", pidfile, e.getMessage());
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // best effort on the way out
            }
        }
    }
}
