// SPDX-License-Identifier: Apache-2.0
package org.guestd.freeze;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The frozen marker {@code <statedir>/qga.state.isfrozen} (qemu-ga's name, so the same restart
 * rule holds for both agents): written <em>before</em> the first FIFREEZE and removed after the
 * thaw, so an agent that dies in between finds it at start-up and knows filesystems may be
 * frozen. It lists who froze, when (the monotonic clock, which counts across the agent's restarts
 * but not across a reboot, and the boot id that says which boot it belongs to) and the mountpoints
 * planned for freezing; qemu-ga's empty marker means "unknown: thaw everything", and "when: unknown".
 */
final class FrozenMarker {
    static final String NAME = "qga.state.isfrozen";

    private final Path file;

    FrozenMarker(Path stateDir) {
        this.file = stateDir.resolve(NAME);
    }

    Path file() {
        return file;
    }

    boolean exists() {
        return Files.exists(file);
    }

    /** When a freeze began: CLOCK_MONOTONIC nanoseconds within the boot named by its boot id ("" unknown). */
    record FrozenAt(long monotonicNanos, String bootId) {}

    /** Writes the marker atomically (temp file + rename in the state dir). */
    void write(String requester, List<String> mountpoints) throws IOException {
        write(requester, mountpoints, null);
    }

    /** Writes the marker atomically, with the time of the freeze when known. */
    void write(String requester, List<String> mountpoints, FrozenAt at) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("# guestd: these filesystems were being frozen; thaw them if this file outlives the agent\n");
        sb.append("requester=").append(requester.replace('\n', ' ')).append('\n');
        if (at != null) {
            sb.append("frozen-at-monotonic-ns=").append(at.monotonicNanos()).append('\n');
            if (!at.bootId().isEmpty()) {
                sb.append("boot-id=").append(at.bootId().replace('\n', ' ')).append('\n');
            }
        }
        for (String m : mountpoints) {
            sb.append("mount=").append(m.replace("\n", "\\n")).append('\n');
        }
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(NAME + ".tmp");
        Files.writeString(tmp, sb, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The mountpoints listed (empty for qemu-ga's empty marker). */
    List<String> mountpoints() throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.startsWith("mount=")) {
                out.add(line.substring(6).replace("\\n", "\n"));
            }
        }
        return out;
    }

    /** Who froze, or "unknown". */
    String requester() {
        return value("requester=").orElse("unknown");
    }

    /** When the freeze began, if the marker says (guestd's does; qemu-ga's empty one does not). */
    Optional<FrozenAt> frozenAt() {
        Optional<String> ns = value("frozen-at-monotonic-ns=");
        if (ns.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new FrozenAt(Long.parseLong(ns.get().trim()), value("boot-id=").orElse("")));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private Optional<String> value(String prefix) {
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.startsWith(prefix)) {
                    return Optional.of(line.substring(prefix.length()));
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // unreadable or not text: as if absent
        }
        return Optional.empty();
    }

    void delete() throws IOException {
        Files.deleteIfExists(file);
    }
}
