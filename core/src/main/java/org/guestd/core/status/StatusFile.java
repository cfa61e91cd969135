// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.status;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.guestd.core.spi.AgentService;
import org.guestd.core.spi.ServiceContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's status file, {@code <statedir>/status.json} (service {@code status}): what {@code
 * guestctl status} shows without root and without talking to a channel. Mode 0644 whatever the
 * umask; written whole to a temporary file and renamed over the old one, so a reader sees one
 * status or the next, never a part.
 *
 * <p>When it is written: at start; {@link #DEBOUNCE} after a change is signalled ({@link #changed}:
 * a channel opened or closed, a first host contact, a clock correction), changes in between
 * merged into one write; every {@link #REFRESH} otherwise (contact times, the memory sample); and
 * on a clean stop, saying the agent no longer runs. Idle, that is one timer wake-up every 30 s.
 *
 * <p>Never while filesystems are frozen (the state dir may be on one): {@link #beforeFreeze} writes
 * the frozen state (who, until when the auto-thaw fires) right before the first FIFREEZE and then
 * holds every write; {@link #afterThaw} writes right after the thaw. Started while a previous
 * instance's freeze is still in force, it writes nothing until the thaw.
 */
public final class StatusFile implements AgentService {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.status");

    /** The file's name in the state dir. */
    public static final String FILE_NAME = "status.json";
    /** How often the file is rewritten without a change. */
    public static final Duration REFRESH = Duration.ofSeconds(30);
    /** How long after a signalled change it is written. */
    public static final Duration DEBOUNCE = Duration.ofSeconds(1);
    private static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-r--r--");

    /** Takes the agent's status now. */
    @FunctionalInterface
    public interface Snapshot {
        /** @param running false for the last status, written on stop */
        AgentStatus take(boolean running);
    }

    private final Path file;
    private final Path tmp;
    private final Snapshot snapshot;
    private final Duration refresh;
    private final Duration debounce;
    private final Object lock = new Object();
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile ServiceContext ctx; // written under lock; null unless started
    private boolean held; // guarded by lock: filesystems are frozen
    private boolean failing; // guarded by lock: the last write failed (logged once)
    private long written; // guarded by lock

    /** @param stateDir where the file is kept */
    public StatusFile(Path stateDir, Snapshot snapshot) {
        this(stateDir, snapshot, REFRESH, DEBOUNCE);
    }

    StatusFile(Path stateDir, Snapshot snapshot, Duration refresh, Duration debounce) {
        this.file = stateDir.resolve(FILE_NAME);
        this.tmp = stateDir.resolve("." + FILE_NAME + ".tmp");
        this.snapshot = Objects.requireNonNull(snapshot);
        this.refresh = refresh;
        this.debounce = debounce;
    }

    @Override
    public String name() {
        return "status";
    }

    /** The file written. */
    public Path file() {
        return file;
    }

    @Override
    public void start(ServiceContext context) {
        synchronized (lock) {
            ctx = context;
            if (!held) {
                writeLocked(true);
            }
        }
        context.every(refresh, "status-refresh", this::refresh);
    }

    /** The periodic rewrite. */
    void refresh() {
        synchronized (lock) {
            if (ctx != null && !held) {
                writeLocked(true);
            }
        }
    }

    /**
     * Something the file shows changed: it is written {@link #DEBOUNCE} from now (at once merged with
     * any change until then). Cheap, never blocks: callable from the event loop.
     */
    public void changed() {
        ServiceContext c = ctx;
        if (c == null || !pending.compareAndSet(false, true)) {
            return;
        }
        try {
            c.once(debounce, "status-changed", () -> {
                pending.set(false);
                refresh();
            });
        } catch (RuntimeException stopping) {
            pending.set(false);
        }
    }

    /** Filesystems are about to be frozen: write the frozen state now, then write nothing until the thaw. */
    public void beforeFreeze() {
        synchronized (lock) {
            if (ctx != null && !held) {
                writeLocked(true);
            }
            held = true;
        }
    }

    /** Filesystems are thawed: write at once, and again when due. */
    public void afterThaw() {
        synchronized (lock) {
            held = false;
            if (ctx != null) {
                writeLocked(true);
            }
        }
    }

    /** Writes the last status: the agent no longer runs. */
    @Override
    public void stop() {
        synchronized (lock) {
            if (ctx != null && !held) {
                writeLocked(false);
            }
            ctx = null;
        }
    }

    /** How many times the file was written (tests). */
    long writes() {
        synchronized (lock) {
            return written;
        }
    }

    private void writeLocked(boolean running) {
        String text;
        try {
            text = StatusJson.write(snapshot.take(running));
        } catch (RuntimeException e) {
            failed("cannot take the status: " + e);
            return;
        }
        try {
            Files.write(tmp, text.getBytes(StandardCharsets.UTF_8));
            Files.setPosixFilePermissions(tmp, MODE); // 0644 whatever the umask: no secrets in it
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | UnsupportedOperationException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort
            }
            failed("cannot write " + file + ": " + e);
            return;
        }
        written++;
        if (failing) {
            failing = false;
            LOG.info("status file {} written again", file);
        }
    }

    private void failed(String why) {
        if (!failing) {
            failing = true;
            LOG.warn("{} (logged once until it works again)", why);
        } else {
            LOG.debug("{}", why);
        }
    }
}
