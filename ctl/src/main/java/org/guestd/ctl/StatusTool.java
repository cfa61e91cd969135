// SPDX-License-Identifier: Apache-2.0
package org.guestd.ctl;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.guestd.core.json.Json;
import org.guestd.core.json.JsonReader;
import org.guestd.core.status.AgentStatus;
import org.guestd.core.status.StatusFile;
import org.guestd.core.status.StatusJson;

/**
 * {@code guestctl status [--json] [--state-dir DIR]}: what the agent says about itself in its status
 * file ({@code <statedir>/status.json}, 0644), so no root and no channel are needed. Readable text by
 * default; {@code --json} prints the file's object with one member added after {@code format}:
 * {@code "alive"}, whether the agent that wrote it runs now (its pid is a guestd process).
 *
 * <p>Exit status: 0 the agent runs; 1 it does not (the last status is shown); 3 no status file, or it
 * cannot be read.
 */
final class StatusTool {
    static final int NOT_RUNNING = 1;
    static final int NO_STATUS = 3;

    private StatusTool() {}

    static int run(List<String> args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = Options.parse(args, Set.of("--json", "-h", "--help"), Set.of("--state-dir"));
        } catch (Options.UsageException e) {
            err.println("guestctl status: " + e.getMessage() + "\n" + GuestCtl.HELP);
            return GuestCtl.USAGE;
        }
        if (o.has("-h") || o.has("--help") || !o.positional().isEmpty()) {
            (o.positional().isEmpty() ? out : err).println("usage: guestctl status [--json] [--state-dir DIR]");
            return o.positional().isEmpty() ? 0 : GuestCtl.USAGE;
        }
        Roots roots = o.roots();
        return show(roots, roots.stateDir(o.value("--state-dir")).resolve(StatusFile.FILE_NAME), o.has("--json"),
                Now.system(), out, err);
    }

    /** The wall clock and the zone times are shown in (tests fix both). */
    record Now(long nanos, ZoneId zone) {
        static Now system() {
            Instant i = Instant.now();
            return new Now(i.getEpochSecond() * 1_000_000_000L + i.getNano(), ZoneId.systemDefault());
        }
    }

    static int show(Roots roots, Path file, boolean json, Now now, PrintStream out, PrintStream err) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            boolean running = Processes.guestd(roots.paths(), -1).isPresent();
            err.println("guestctl: no status file " + file + (running
                    ? ": guestd runs but has not written one (an older guestd, or another state dir: --state-dir)"
                    : ": guestd is not running (guestctl doctor tells why)"));
            return NO_STATUS;
        } catch (IOException e) {
            err.println("guestctl: cannot read " + file + ": " + e.getMessage());
            return NO_STATUS;
        }
        AgentStatus s;
        Object raw;
        try {
            raw = JsonReader.parse(text);
            s = StatusJson.read(text);
        } catch (IllegalArgumentException e) {
            err.println("guestctl: " + file + " is not a status file: " + e.getMessage());
            return NO_STATUS;
        }
        boolean alive = s.agent().running()
                && Processes.get(roots.paths(), s.agent().pid()).filter(Processes.Proc::isGuestd).isPresent();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            boolean placed = false;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) raw).entrySet()) {
                m.put((String) e.getKey(), e.getValue());
                if (!placed && e.getKey().equals("format")) {
                    m.put("alive", alive);
                    placed = true;
                }
            }
            if (!placed) {
                m.put("alive", alive);
            }
            out.println(Json.write(m));
        } else {
            out.print(StatusText.format(s, alive, now.nanos(), now.zone()));
        }
        return alive ? 0 : NOT_RUNNING;
    }
}
