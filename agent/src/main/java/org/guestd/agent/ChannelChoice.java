// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.guestd.transport.Method;

/**
 * Which channel QGA is served on. With an explicit {@code -m}/{@code -p} (or config keys) that is
 * used as given. Otherwise guestd probes the hypervisor channels it knows, and on a machine that
 * has none (a developer's laptop, CI) serves QGA on a Unix socket in its state dir, saying so, so
 * that a plain run can be tried and queried.
 *
 * @param probeReport one line per channel probed, for the log
 */
record ChannelChoice(Method method, String path, boolean fallback, List<String> probeReport) {

    /** Hypervisor channels probed when nothing was configured: name and device path. */
    static final String[][] PROBES = {
        {"virtio-serial (QEMU/KVM)", Defaults.VIRTIO_PATH},
        {"vsock", "/dev/vsock"},
        {"hyperv kvp", "/dev/vmbus/hv_kvp"},
        {"xen xenbus", "/dev/xen/xenbus"},
    };

    static ChannelChoice choose(Settings s, Path devRoot) {
        String method = s.general().getString("method", Defaults.METHOD);
        String path = s.general().getString("path", "");
        if (s.channelExplicit()) {
            return new ChannelChoice(Method.parse(method), path, false, List.of());
        }
        List<String> report = new ArrayList<>();
        for (String[] probe : PROBES) {
            report.add(probe[0] + " " + probe[1] + ": " + (Files.exists(underDev(devRoot, probe[1])) ? "present" : "absent"));
        }
        if (Files.exists(underDev(devRoot, Defaults.VIRTIO_PATH))) {
            return new ChannelChoice(Method.VIRTIO_SERIAL, Defaults.VIRTIO_PATH, false, report);
        }
        String sock = s.stateDir().resolve(Defaults.FALLBACK_SOCKET).toString();
        return new ChannelChoice(Method.UNIX_LISTEN, sock, true, report);
    }

    /** Maps a {@code /dev/...} path into the (possibly relocated) dev root. */
    private static Path underDev(Path devRoot, String devPath) {
        return devRoot.resolve(Path.of("/dev").relativize(Path.of(devPath)));
    }
}
