// SPDX-License-Identifier: Apache-2.0
package org.guestd.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.guestd.core.env.SetContents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The next file handle, persisted as qemu-ga does it (main.c {@code ga_get_fd_handle}): the GLib
 * key file {@code STATEDIR/qga.state} = {@code [global]\nfd_counter=N\n}, default 1000, rewritten
 * on every handle given out, so handles keep increasing across restarts and a qemu-ga state file
 * is continued. The file is read the first time a handle is needed (qemu-ga reads and creates it
 * at start-up). Not thread-safe: {@link FileHandles} holds its lock.
 */
final class HandleCounter {
    private static final Logger LOG = LoggerFactory.getLogger(FileHandles.class);

    private final Path stateFile;
    private long next = -1;

    HandleCounter(Path stateFile) {
        this.stateFile = stateFile;
    }

    /** The next handle, as it would be given out. */
    long peek() {
        load();
        return next;
    }

    /**
     * Gives out the next handle and commits the counter.
     *
     * @throws FileException qemu-ga's "failed to commit persistent state to disk"
     */
    long take() throws FileException {
        load();
        long handle = next++;
        if (!commit()) {
            throw FileException.io("failed to commit persistent state to disk");
        }
        return handle;
    }

    private void load() {
        if (next >= 0) {
            return;
        }
        next = FileHandles.DEFAULT_COUNTER;
        try {
            next = parse(Files.readString(stateFile, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            commit(); // qemu-ga creates the file with the default at start-up
        } catch (IOException e) {
            LOG.warn("cannot read {} ({}); handles start at {}", stateFile, e.getMessage(), FileHandles.DEFAULT_COUNTER);
        }
    }

    /**
     * The counter in a key file, as qemu-ga's {@code persistent_state_from_keyfile}: 1000 when
     * {@code [global] fd_counter} is absent, 0 when it is not a 32-bit integer
     * ({@code g_key_file_get_integer} fails and returns 0).
     */
    static long parse(String keyFile) {
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
        return FileHandles.DEFAULT_COUNTER;
    }

    /** The key file, through {@code g_file_set_contents}. */
    private boolean commit() {
        String text = "[global]\nfd_counter=" + next + "\n";
        Path tmp = stateFile.resolveSibling(FileHandles.STATE_FILE + ".tmp" + ProcessHandle.current().pid());
        try {
            SetContents.write(stateFile, tmp, text);
            return true;
        } catch (IOException e) {
            LOG.error("failed to write persistent state to {}: {}", stateFile, e.getMessage());
            return false;
        }
    }
}
