// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.client;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.guestd.transport.IoLoop;
import org.guestd.transport.Transport;
import org.guestd.transport.XenbusTransport;

/**
 * The {@code --xenbus-device PATH|fd:N|off} option, as libxenstore's {@code xs_domain_dev()} finds
 * the device: by default {@code /dev/xen/xenbus} when it exists, else {@code /proc/xen/xenbus}
 * (both under the given roots, so tests never look at this machine's); a path is used as given and
 * reopened after every loss; {@code fd:N} is an inherited descriptor, used once and never reopened;
 * {@code off} disables the channel.
 */
public final class XenbusConnector implements XenstoreClient.Connector {
    /** The option's value that disables the channel. */
    public static final String OFF = "off";

    private final Path devRoot;
    private final Path procRoot;
    private final String option;
    private final IoLoop loop;
    private boolean inheritedUsed;

    private XenbusConnector(String option, Path devRoot, Path procRoot, IoLoop loop) {
        this.option = option;
        this.devRoot = devRoot;
        this.procRoot = procRoot;
        this.loop = loop;
    }

    /**
     * The connector for the option's value; empty for {@code off}.
     *
     * @param option null or empty for the default search, a path, {@code fd:N} or {@code off}
     * @param devRoot where {@code /dev} is ({@code HostPaths.dev()})
     * @param procRoot where {@code /proc} is
     * @throws IllegalArgumentException for a malformed {@code fd:N}
     */
    public static Optional<XenbusConnector> of(String option, Path devRoot, Path procRoot, IoLoop loop) {
        String o = option == null ? "" : option.strip();
        if (OFF.equals(o)) {
            return Optional.empty();
        }
        if (o.startsWith("fd:")) {
            new XenbusTransport(o, loop); // validates fd:N now
        }
        return Optional.of(new XenbusConnector(o, devRoot, procRoot, loop));
    }

    /** The default device: {@code dev/xen/xenbus} if present, else {@code proc/xen/xenbus} if present, else empty. */
    public static Optional<Path> findDevice(Path devRoot, Path procRoot) {
        return XenbusTransport.defaultDevice(devRoot, procRoot);
    }

    @Override
    public synchronized Transport next() throws IOException {
        if (option.startsWith("fd:")) {
            if (inheritedUsed) {
                return null;
            }
            inheritedUsed = true;
            return new XenbusTransport(option, loop);
        }
        if (!option.isEmpty()) {
            return new XenbusTransport(option, loop);
        }
        Path p = findDevice(devRoot, procRoot).orElseThrow(() -> new NoSuchFileException(
                devRoot.resolve("xen/xenbus") + " and " + procRoot.resolve("xen/xenbus")));
        return new XenbusTransport(p.toString(), loop);
    }

    @Override
    public String describe() {
        return option.isEmpty() ? "xenbus (" + devRoot.resolve("xen/xenbus") + ", " + procRoot.resolve("xen/xenbus") + ")"
                : "xenbus:" + option;
    }
}
