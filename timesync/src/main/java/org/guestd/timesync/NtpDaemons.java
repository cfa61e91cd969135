// SPDX-License-Identifier: Apache-2.0
package org.guestd.timesync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/** Which time daemon runs in the guest, from {@code <proc>/<pid>/comm}: chronyd, systemd-timesyncd or ntpd. */
final class NtpDaemons {
    enum Daemon { CHRONYD, TIMESYNCD, NTPD }

    private static final Set<String> NAMES = Set.of("chronyd", "systemd-timesyn", "systemd-timesyncd", "ntpd");

    private NtpDaemons() {}

    static Optional<Daemon> running(Path proc) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(proc, p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path pid : ds) {
                String comm;
                try {
                    comm = Files.readString(pid.resolve("comm"), StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    continue; // gone meanwhile
                }
                if (NAMES.contains(comm)) {
                    return Optional.of(comm.equals("chronyd") ? Daemon.CHRONYD
                            : comm.equals("ntpd") ? Daemon.NTPD : Daemon.TIMESYNCD);
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
