// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import java.util.Map;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import org.slf4j.LoggerFactory;

/**
 * Configures the one logging backend (logback), in code so start-up reads no XML. Under systemd
 * ({@code $JOURNAL_STREAM} or {@code $INVOCATION_ID} set) lines carry sd-daemon priority prefixes
 * ({@code <3>}…{@code <7>}) and no timestamps, since journald adds its own; elsewhere lines get a
 * time of day. {@code -v} turns on debug; {@code -l FILE} logs to a file. While filesystems are
 * frozen the output is held in memory ({@link FreezeLogGate}) and written after the thaw.
 */
final class Logging {
    private static volatile FreezeLogGate gate;

    private Logging() {}

    /**
     * The gate in front of the log output: the freeze service tells it to hold output in memory
     * while filesystems are frozen. Null before {@link #configure}.
     */
    static FreezeLogGate freezeGate() {
        return gate;
    }

    /**
     * @return null, or why the log file cannot be written (the agent then refuses to start, as
     *     qemu-ga does, rather than losing every log line)
     */
    static String configure(boolean verbose, String logfile, Map<String, String> env) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        boolean journald = env.containsKey("JOURNAL_STREAM") || env.containsKey("INVOCATION_ID");
        Encoder<ILoggingEvent> enc;
        if (journald && logfile == null) {
            JournalLayout layout = new JournalLayout();
            layout.setContext(ctx);
            layout.start();
            LayoutWrappingEncoder<ILoggingEvent> le = new LayoutWrappingEncoder<>();
            le.setLayout(layout);
            enc = le;
        } else {
            PatternLayoutEncoder pe = new PatternLayoutEncoder();
            pe.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{0}: %msg%n");
            enc = pe;
        }
        enc.setContext(ctx);
        enc.start();
        OutputStreamAppender<ILoggingEvent> app;
        if (logfile != null) {
            FileAppender<ILoggingEvent> f = new FileAppender<>();
            f.setFile(logfile);
            f.setAppend(true);
            app = f;
        } else {
            ConsoleAppender<ILoggingEvent> c = new ConsoleAppender<>();
            c.setTarget("System.err");
            app = c;
        }
        app.setContext(ctx);
        app.setName("main");
        app.setEncoder(enc);
        app.start();
        if (!app.isStarted()) {
            return "cannot open log file " + logfile;
        }
        FreezeLogGate g = new FreezeLogGate(app);
        g.setContext(ctx);
        g.setName("freeze-gate");
        g.start();
        gate = g;
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(g);
        root.setLevel(Level.WARN);
        ctx.getLogger("org.guestd").setLevel(verbose ? Level.DEBUG : Level.INFO);
        ctx.getLogger("guestd.audit").setLevel(Level.INFO);
        // Netty logs a stack trace when a guest has no network interface configured yet (early
        // boot); nothing guestd uses depends on it.
        ctx.getLogger("io.netty.util.NetUtilInitializations").setLevel(Level.ERROR);
        return null;
    }

    /** Silences everything: {@code --dump-conf}, {@code --version} and {@code --help} print only their output. */
    static void off() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.OFF);
    }

    /** Stops appenders so buffered output is written before exit. */
    static void shutdown() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }
}
