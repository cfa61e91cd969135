// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.core.env.CommandRunner;

/**
 * Reads {@code ovf-env.xml} from Azure's provisioning CD: the device ({@code /dev/sr0}) is mounted
 * read-only ({@code -o ro,nosuid,nodev,noexec}, UDF then ISO 9660) on a fresh private directory
 * (0700) under the agent's runtime directory, the file is read with a size cap (a 100 MB file is
 * refused after reading the cap, not loaded), then the CD is unmounted. A drive without a medium
 * (sysfs size 0: ejected after an earlier provisioning) or a medium that neither file system mounts
 * is "no provisioning CD" (IMDS is used alone), with the reason in {@link #problem()}. A configured
 * file or directory is read instead of mounting anything (pre-mounted media, tests).
 */
public final class OvfMedia {
    /** The largest ovf-env.xml read (the parser's limit too). */
    public static final int MAX_BYTES = 1024 * 1024;

    /** The file's name on the medium. */
    public static final String FILE = "ovf-env.xml";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final CommandRunner runner;
    private final Path device;
    private final Path deviceNode;
    private final Path sysBlock;
    private final Path mountBase;
    private final Path configured;
    private volatile String problem;

    /**
     * @param device the CD device as the system sees it, e.g. {@code /dev/sr0}
     * @param deviceNode the same device as this process finds it (under a fixture root in tests)
     * @param sysBlock {@code /sys/class/block} (the medium's size is read there)
     * @param mountBase where the private mount directory is made (the agent's state dir)
     * @param configured a file or directory holding ovf-env.xml to read instead, or null
     */
    public OvfMedia(CommandRunner runner, Path device, Path deviceNode, Path sysBlock, Path mountBase, Path configured) {
        this.runner = runner;
        this.device = device;
        this.deviceNode = deviceNode;
        this.sysBlock = sysBlock;
        this.mountBase = mountBase;
        this.configured = configured;
    }

    /** The device to eject after provisioning, or null when none was used. */
    public String ejectDevice() {
        return configured == null ? device.toString() : null;
    }

    /** Why the last {@link #read} found no CD although a drive exists, or null. */
    public String problem() {
        return problem;
    }

    /**
     * The raw ovf-env.xml, or empty when there is no medium or it holds no such file.
     *
     * @throws IOException when the medium cannot be read, or the file is over {@link #MAX_BYTES}
     */
    public Optional<byte[]> read() throws IOException {
        if (configured != null) {
            Path f = Files.isDirectory(configured) ? configured.resolve(FILE) : configured;
            return readCapped(f);
        }
        problem = null;
        if (!Files.exists(deviceNode)) {
            return Optional.empty();
        }
        try {
            if (Files.readString(sysBlock.resolve(device.getFileName().toString()).resolve("size")).strip().equals("0")) {
                problem = device + " has no medium";
                return Optional.empty();
            }
        } catch (IOException e) {
            // no sysfs entry: try to mount anyway
        }
        Files.createDirectories(mountBase);
        Path mnt = Files.createTempDirectory(mountBase, "azure-media.",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            String failure = null;
            for (String type : List.of("udf", "iso9660")) {
                CommandRunner.CommandResult r = runner.run(List.of("mount", "-o", "ro,nosuid,nodev,noexec", "-t", type,
                        device.toString(), mnt.toString()), null, TIMEOUT);
                if (r.ok()) {
                    try {
                        return readCapped(mnt.resolve(FILE));
                    } finally {
                        runner.run(List.of("umount", mnt.toString()), null, TIMEOUT);
                    }
                }
                failure = r.stderrText().strip();
            }
            problem = "cannot mount " + device + " (udf, iso9660): " + failure;
            return Optional.empty();
        } catch (AgentException e) {
            throw new IOException(e.getMessage(), e);
        } finally {
            Files.deleteIfExists(mnt);
        }
    }

    static Optional<byte[]> readCapped(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
            byte[] b = in.readNBytes(MAX_BYTES + 1);
            if (b.length > MAX_BYTES) {
                throw new IOException(FILE + " is over the limit of " + MAX_BYTES + " bytes");
            }
            return Optional.of(b);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }
}
