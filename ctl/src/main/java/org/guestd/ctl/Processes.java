// SPDX-License-Identifier: Apache-2.0
package org.guestd.ctl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.guestd.core.env.HostPaths;

/** The processes of the system as /proc shows them (any user may read comm and cmdline). */
final class Processes {
    /**
     * One process.
     *
     * @param pid its id
     * @param comm its name ({@code /proc/PID/comm}, at most 15 characters)
     * @param argv its command line
     */
    record Proc(long pid, String comm, List<String> argv) {
        /** Whether this is guestd: the agent's jar or main class on its command line. */
        boolean isGuestd() {
            for (int i = 0; i < argv.size(); i++) {
                String a = argv.get(i);
                if (a.equals("org.guestd.agent.Main")
                        || a.equals("-jar") && i + 1 < argv.size() && argv.get(i + 1).endsWith("/guestd.jar")) {
                    return true;
                }
            }
            return false;
        }
    }

    private Processes() {}

    /** Every process whose entries can be read, by pid. */
    static List<Proc> list(HostPaths paths) {
        List<Proc> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(paths.proc(), "[0-9]*")) {
            for (Path d : ds) {
                long pid;
                try {
                    pid = Long.parseLong(d.getFileName().toString());
                } catch (NumberFormatException e) {
                    continue;
                }
                get(paths, pid).ifPresent(out::add);
            }
        } catch (IOException e) {
            return out;
        }
        out.sort((a, b) -> Long.compare(a.pid(), b.pid()));
        return out;
    }

    /** The process {@code pid}, if it exists (and its entries can be read). */
    static Optional<Proc> get(HostPaths paths, long pid) {
        Path d = paths.proc(Long.toString(pid));
        try {
            String comm = Files.readString(d.resolve("comm"), StandardCharsets.UTF_8).strip();
            byte[] cmd = Files.readAllBytes(d.resolve("cmdline"));
            List<String> argv = new ArrayList<>();
            int start = 0;
            for (int i = 0; i <= cmd.length; i++) {
                if (i == cmd.length || cmd[i] == 0) {
                    if (i > start) {
                        argv.add(new String(cmd, start, i - start, StandardCharsets.UTF_8));
                    }
                    start = i + 1;
                }
            }
            return Optional.of(new Proc(pid, comm, argv));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The running guestd: the status file's pid if that is guestd, else the first guestd found. */
    static Optional<Proc> guestd(HostPaths paths, long statusPid) {
        if (statusPid > 0) {
            Optional<Proc> p = get(paths, statusPid).filter(Proc::isGuestd);
            if (p.isPresent()) {
                return p;
            }
        }
        return list(paths).stream().filter(Proc::isGuestd).findFirst();
    }
}
