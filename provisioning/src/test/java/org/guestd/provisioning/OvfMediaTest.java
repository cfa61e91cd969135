// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.guestd.core.AgentException;
import org.guestd.core.env.CommandRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CD path with a recording runner: "mount" copies a fixture into the private directory. */
class OvfMediaTest {
    /** Any small file: this class reads the bytes, azure's OvfEnv parses them. */
    static final byte[] MINIMAL = "<Environment/>\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path tmp;
    final List<List<String>> calls = new ArrayList<>();

    CommandRunner runner(byte[] content, boolean udfFails) {
        return (argv, stdin, timeout) -> {
            calls.add(argv);
            try {
                if (argv.get(0).equals("mount")) {
                    if (udfFails && argv.contains("udf")) {
                        return new CommandRunner.CommandResult(32, new byte[0], "wrong fs type".getBytes());
                    }
                    Path dir = Path.of(argv.get(argv.size() - 1));
                    assertEquals("rwx------", PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(dir)), "a private mount directory");
                    Files.write(dir.resolve("ovf-env.xml"), content);
                } else if (argv.get(0).equals("umount")) {
                    Files.delete(Path.of(argv.get(1)).resolve("ovf-env.xml"));
                }
            } catch (IOException e) {
                throw AgentException.generic(e.getMessage());
            }
            return new CommandRunner.CommandResult(0, new byte[0], new byte[0]);
        };
    }

    @Test
    void mountsReadOnlyReadsAndUnmounts() throws Exception {
        byte[] xml = MINIMAL;
        Files.createDirectories(tmp.resolve("dev"));
        Files.writeString(tmp.resolve("dev/sr0"), "");
        OvfMedia m = new OvfMedia(runner(xml, true), Path.of("/dev/sr0"), tmp.resolve("dev/sr0"), tmp.resolve("sys/class/block"),
                tmp.resolve("run"), null);
        assertArrayEquals(xml, m.read().orElseThrow());
        assertEquals(List.of("mount", "-o", "ro,nosuid,nodev,noexec", "-t", "udf", "/dev/sr0"), calls.get(0).subList(0, 6));
        assertEquals(List.of("mount", "-o", "ro,nosuid,nodev,noexec", "-t", "iso9660", "/dev/sr0"), calls.get(1).subList(0, 6));
        assertEquals("umount", calls.get(2).get(0));
        try (var s = Files.list(tmp.resolve("run"))) {
            assertEquals(0, s.count(), "the mount directory is removed");
        }
        assertEquals("/dev/sr0", m.ejectDevice());
    }

    @Test
    void noDeviceNoDocument() throws Exception {
        OvfMedia m = new OvfMedia(runner(new byte[0], false), Path.of("/dev/sr0"), tmp.resolve("dev/sr0"), tmp.resolve("sys/class/block"),
                tmp.resolve("run"), null);
        assertTrue(m.read().isEmpty());
        assertTrue(calls.isEmpty(), "nothing mounted without a device");
    }

    @Test
    void anEmptyDriveOrAnUnmountableMediumIsNoCd() throws Exception {
        Files.createDirectories(tmp.resolve("dev"));
        Files.writeString(tmp.resolve("dev/sr0"), "");
        Files.createDirectories(tmp.resolve("sys/class/block/sr0"));
        Files.writeString(tmp.resolve("sys/class/block/sr0/size"), "0\n");
        OvfMedia m = new OvfMedia(runner(new byte[0], false), Path.of("/dev/sr0"), tmp.resolve("dev/sr0"),
                tmp.resolve("sys/class/block"), tmp.resolve("run"), null);
        assertTrue(m.read().isEmpty());
        assertEquals("/dev/sr0 has no medium", m.problem());
        assertTrue(calls.isEmpty(), "an empty drive is not mounted");
        Files.writeString(tmp.resolve("sys/class/block/sr0/size"), "1234\n");
        CommandRunner failing = (argv, stdin, timeout) -> {
            calls.add(argv);
            return new CommandRunner.CommandResult(32, new byte[0], "wrong fs type, bad superblock".getBytes());
        };
        m = new OvfMedia(failing, Path.of("/dev/sr0"), tmp.resolve("dev/sr0"), tmp.resolve("sys/class/block"),
                tmp.resolve("run"), null);
        assertTrue(m.read().isEmpty());
        assertEquals("cannot mount /dev/sr0 (udf, iso9660): wrong fs type, bad superblock", m.problem());
        assertEquals(2, calls.size());
    }

    @Test
    void aHundredMegabyteFileIsRefusedWithoutLoadingIt() throws Exception {
        Path big = tmp.resolve("ovf-env.xml");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(100L * 1024 * 1024); // sparse
        }
        OvfMedia m = new OvfMedia(runner(new byte[0], false), Path.of("/dev/sr0"), tmp.resolve("none"), tmp, tmp, big);
        IOException x = assertThrows(IOException.class, m::read);
        assertTrue(x.getMessage().contains("over the limit"), x.getMessage());
        assertEquals(null, m.ejectDevice(), "a configured file is not ejected");
    }

    @Test
    void aConfiguredDirectoryIsRead() throws Exception {
        Files.write(tmp.resolve("ovf-env.xml"), MINIMAL);
        OvfMedia m = new OvfMedia(runner(new byte[0], false), Path.of("/dev/sr0"), tmp.resolve("none"), tmp, tmp, tmp);
        assertArrayEquals(MINIMAL, m.read().orElseThrow());
        assertTrue(calls.isEmpty());
    }
}
