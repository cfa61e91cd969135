// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.guestd.core.AgentException;
import org.guestd.qga.command.SetContents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open guest files and the handle counter, shared by every connection (qemu-ga keeps one
 * table for the agent). Handles come from a counter persisted in {@code STATEDIR/qga.state} as
 * qemu-ga does it (main.c {@code ga_get_fd_handle}): a GLib key file {@code [global]
 * fd_counter=N}, default 1000, rewritten on every open, so handles keep increasing across
 * restarts. The file is read the first time a handle is needed (qemu-ga reads and creates it at
 * start-up).
 */
public final class FileHandles {
    private static final Logger LOG = LoggerFactory.getLogger(FileHandles.class);

    /** The state file's name inside the state dir. */
    public static final String STATE_FILE = "qga.state";
    /** qemu-ga's {@code QGA_PSTATE_DEFAULT_FD_COUNTER}. */
    public static final long DEFAULT_COUNTER = 1000;

    private final Path stateFile;
    private final Map<Long, OpenFile> open = new LinkedHashMap<>();
    private long counter = -1;

    /** @param stateDir the agent's state dir ({@code -t}) */
    public FileHandles(Path stateDir) {
        this.stateFile = stateDir.resolve(STATE_FILE);
    }

    /**
     * Registers {@code file} under the next handle and commits the counter.
     *
     * @throws AgentException "failed to commit persistent state to disk" (the caller closes the file)
     */
    public synchronized long add(OpenFile file) throws AgentException {
        loadCounter();
        long handle = counter++;
        if (!writeState()) {
            throw AgentException.generic("failed to commit persistent state to disk");
        }
        open.put(handle, file);
        return handle;
    }

    /** The open file {@code id}, or qemu-ga's "handle 'N' has not been found". */
    public synchronized OpenFile find(long id) throws AgentException {
        OpenFile f = open.get(id);
        if (f == null) {
            throw notFound(id);
        }
        return f;
    }

    /** What a guest-file-* command does with an open file while it holds the file's lock. */
    @FunctionalInterface
    interface FileAction<R> {
        R apply(OpenFile file) throws AgentException;
    }

    /**
     * Runs {@code action} on the open file {@code id} under the file's lock; "handle 'N' has not
     * been found" when there is no such handle or it was closed before the lock was taken.
     */
    <R> R withFile(long id, FileAction<R> action) throws AgentException {
        OpenFile f = find(id);
        synchronized (f) {
            if (f.closed) {
                throw notFound(id);
            }
            return action.apply(f);
        }
    }

    private static AgentException notFound(long id) {
        return AgentException.generic("handle '" + id + "' has not been found");
    }

    /** Forgets {@code id} (after its stream was closed). */
    public synchronized void remove(long id, OpenFile file) {
        open.remove(id, file);
    }

    /** The number of open handles. */
    public synchronized int size() {
        return open.size();
    }

    /** The next handle, as it would be given out (reads the state file if not done yet). */
    public synchronized long peekCounter() {
        loadCounter();
        return counter;
    }

    private void loadCounter() {
        if (counter >= 0) {
            return;
        }
        counter = DEFAULT_COUNTER;
        try {
            counter = parseCounter(Files.readString(stateFile, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            writeState(); // qemu-ga creates the file with the default at start-up
        } catch (IOException e) {
            LOG.warn("cannot read {} ({}); handles start at {}", stateFile, e.getMessage(), DEFAULT_COUNTER);
        }
    }

    /**
     * The counter in a key file, as qemu-ga's {@code persistent_state_from_keyfile}: 1000 when
     * {@code [global] fd_counter} is absent, 0 when it is not a 32-bit integer
     * ({@code g_key_file_get_integer} fails and returns 0).
     */
    static long parseCounter(String keyFile) {
        String group = null;
        for (String raw : keyFile.split("\n", -1)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                group = line.substring(1, line.length() - 1);
                continue;
            }
            int eq = line.indexOf('=');
            if ("global".equals(group) && eq > 0 && line.substring(0, eq).strip().equals("fd_counter")) {
                try {
                    return Integer.parseInt(line.substring(eq + 1).strip());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return DEFAULT_COUNTER;
    }

    /** The key file, through {@code g_file_set_contents} ({@link SetContents}). */
    private boolean writeState() {
        String text = "[global]\nfd_counter=" + counter + "\n";
        Path tmp = stateFile.resolveSibling(STATE_FILE + ".tmp" + ProcessHandle.current().pid());
        try {
            SetContents.write(stateFile, tmp, text);
            return true;
        } catch (IOException e) {
            LOG.error("failed to write persistent state to {}: {}", stateFile, e.getMessage());
            return false;
        }
    }
}
