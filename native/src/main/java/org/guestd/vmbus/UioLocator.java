// SPDX-License-Identifier: Apache-2.0
package org.guestd.vmbus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the file-copy VMBus device served by {@code uio_hv_generic}, never by a guessed
 * {@code /dev/uio0}: the instance under {@code /sys/bus/vmbus/devices/*} whose {@code class_id} is
 * the fcopy class, its UIO node through {@code <instance>/uio/uioN} (the node is
 * {@code /dev/uioN}), its ring size from {@code <instance>/channels/<relid>/ring} (the file holds
 * both rings: half its size). When the device has no driver, {@code uio_hv_generic} is told to
 * take the class by writing it to its {@code new_id} (only then: a device another driver holds,
 * or one already bound, is left alone).
 */
public final class UioLocator {
    /** The file-copy ("Guest services") class id, as sysfs prints it. */
    public static final String FCOPY_CLASS = "{34d14be3-dee4-41c8-9ae7-6b174977c192}";
    public static final String UIO_DRIVER = "uio_hv_generic";

    private final Path devices; // <sys>/bus/vmbus/devices
    private final Path drivers; // <sys>/bus/vmbus/drivers
    private final Path dev;

    /** What was found. */
    public record Found(Path instance, Optional<Path> node, int ringSize, Optional<String> driver) {}

    public UioLocator(Path sysRoot, Path devRoot) {
        this.devices = sysRoot.resolve("bus/vmbus/devices");
        this.drivers = sysRoot.resolve("bus/vmbus/drivers");
        this.dev = devRoot;
    }

    /** Whether this is a VMBus guest at all (the bus exists). */
    public boolean busPresent() {
        return Files.isDirectory(devices);
    }

    /** The fcopy instance directory, if the host offers the channel. */
    public Optional<Path> instance() throws IOException {
        if (!Files.isDirectory(devices)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(devices)) {
            for (Path d : s.sorted().toList()) {
                Path cls = d.resolve("class_id");
                if (Files.isRegularFile(cls) && Files.readString(cls, StandardCharsets.US_ASCII).trim()
                        .toLowerCase(Locale.ROOT).equals(FCOPY_CLASS)) {
                    return Optional.of(d);
                }
            }
        }
        return Optional.empty();
    }

    /** The UIO node, ring size and driver of {@code instance}. */
    public Found inspect(Path instance) throws IOException {
        Optional<Path> node = firstDir(instance.resolve("uio")).map(u -> dev.resolve(u.getFileName().toString()));
        int ring = 0;
        Optional<Path> channel = firstDir(instance.resolve("channels"));
        if (channel.isPresent()) {
            Path ringFile = channel.get().resolve("ring");
            if (Files.exists(ringFile)) {
                long size = Files.size(ringFile);
                ring = size / 2 > Integer.MAX_VALUE ? 0 : (int) (size / 2);
            }
        }
        Optional<String> driver = Optional.empty();
        Path link = instance.resolve("driver");
        if (Files.isSymbolicLink(link)) {
            driver = Optional.of(Files.readSymbolicLink(link).getFileName().toString());
        } else if (Files.isDirectory(link)) {
            driver = Optional.of(link.toRealPath().getFileName().toString());
        }
        return new Found(instance, node, ring, driver);
    }

    /**
     * Asks {@code uio_hv_generic} to take the fcopy class ({@code new_id}). Only for an instance
     * without a driver; the module must be loaded (its directory exists).
     *
     * @return false when the driver is not there (module not loaded)
     */
    public boolean bind() throws IOException {
        Path newId = drivers.resolve(UIO_DRIVER).resolve("new_id");
        if (!Files.exists(newId)) {
            return false;
        }
        String guid = FCOPY_CLASS.substring(1, FCOPY_CLASS.length() - 1);
        Files.writeString(newId, guid, StandardCharsets.US_ASCII);
        return true;
    }

    private static Optional<Path> firstDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> dirs = s.filter(Files::isDirectory).sorted().toList();
            return dirs.isEmpty() ? Optional.empty() : Optional.of(dirs.get(0));
        }
    }

    /** Whether the device node of {@code found} exists now (udev may not have made it yet). */
    public boolean nodeExists(Found found) {
        return found.node().isPresent() && Files.exists(found.node().get());
    }

    /** Whether the fcopy char device of kernels before 6.10 exists ({@code <dev>/vmbus/hv_fcopy}). */
    public static boolean charDeviceExists(Path devRoot) {
        return Files.exists(devRoot.resolve("vmbus/hv_fcopy"));
    }
}
