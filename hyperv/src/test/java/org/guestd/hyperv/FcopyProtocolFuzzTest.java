// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.guestd.files.FileReceiver;

/**
 * Fuzz target: hv_fcopy messages (START with any file and directory names and flags, WRITE with
 * any offset and size, COMPLETE, CANCEL, unknown operations, messages of any size) onto the files
 * feature rooted in a temporary directory that is emptied after every input.
 *
 * <p>Checks: nothing thrown; every reply is a 4-byte status (none only for the kernel's 4-byte
 * handshake reply); nothing is ever created outside the root — the temporary directory holding it
 * contains only the root (and the root no symbolic link the host could have made); after the
 * session ends no partial file of an unfinished copy is left.
 *
 * <p>Regression inputs: {@code src/test/resources/org/guestd/hyperv/FcopyProtocolFuzzTestInputs/messages/};
 * long runs: {@code bin/fuzz FcopyProtocolFuzzTest [SECONDS]}.
 */
public class FcopyProtocolFuzzTest {
    private static final String[] DIRS = {"in", "in/sub", "", "/", "..", "in/../..", "/etc", "in/link", "in//x"};
    private static final String[] NAMES = {"f.txt", "../escape", "", ".", "a/b", "x\ny", "f.txt"};
    private static Path base;
    private static Path root;

    private static synchronized Path root() {
        if (root == null) {
            try {
                base = Files.createTempDirectory("guestd-fcopy-fuzz");
                root = Files.createDirectory(base.resolve("root"));
                base.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    static byte[] start(FuzzedDataProvider d, Path root) {
        byte[] m = new byte[d.consumeInt(0, 9) == 0 ? d.consumeInt(4, FcopyProtocol.START_SIZE + 10) : FcopyProtocol.START_SIZE];
        Wire.putU32(m, 0, FcopyProtocol.OP_START);
        String name = d.consumeBoolean() ? NAMES[d.consumeInt(0, NAMES.length - 1)] : d.consumeString(60);
        String dir = d.consumeBoolean() ? DIRS[d.consumeInt(0, DIRS.length - 1)] : d.consumeString(60);
        if (!dir.startsWith("/") && d.consumeBoolean()) {
            dir = root + "/" + dir;
        }
        if (m.length >= FcopyProtocol.START_SIZE) {
            Wire.putCString(m, FcopyProtocol.OFF_FILE_NAME, FcopyProtocol.NAME_SIZE, name);
            Wire.putCString(m, FcopyProtocol.OFF_PATH_NAME, FcopyProtocol.NAME_SIZE, dir);
            Wire.putU32(m, FcopyProtocol.OFF_COPY_FLAGS, d.consumeInt(0, 3));
        }
        return m;
    }

    static byte[] write(FuzzedDataProvider d) {
        int len = d.consumeInt(0, 9) == 0 ? d.consumeInt(0, 6300) : FcopyProtocol.OFF_WRITE_DATA + FcopyProtocol.DATA_FRAGMENT;
        byte[] m = new byte[Math.max(len, 4)];
        Wire.putU32(m, 0, FcopyProtocol.OP_WRITE);
        if (m.length >= FcopyProtocol.OFF_WRITE_DATA) {
            long off = d.consumeBoolean() ? d.consumeLong(0, 1 << 20) : d.consumeLong();
            for (int i = 0; i < 8; i++) {
                m[FcopyProtocol.OFF_WRITE_OFFSET + i] = (byte) (off >>> (8 * i));
            }
            Wire.putU32(m, FcopyProtocol.OFF_WRITE_SIZE, d.consumeBoolean() ? d.consumeInt(0, 6144) : d.consumeInt());
        }
        return m;
    }

    public static void fuzzerTestOneInput(FuzzedDataProvider d) {
        Path root = root();
        try {
            Files.createDirectories(root.resolve("in"));
            if (!Files.exists(root.resolve("in/link"), LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(root.resolve("in/link"), Path.of("/tmp"));
            }
            FcopyProtocol fcopy = new FcopyProtocol(new FileReceiver(root));
            assertEquals(4, fcopy.register().length);
            int n = d.consumeInt(1, 12);
            for (int i = 0; i < n && d.remainingBytes() > 0; i++) {
                byte[] m = switch (d.consumeInt(0, 5)) {
                    case 0, 1 -> start(d, root);
                    case 2, 3 -> write(d);
                    case 4 -> new byte[] {(byte) d.consumeInt(0, 3), 0, 0, 0};
                    default -> d.consumeBytes(d.consumeInt(0, 64));
                };
                byte[] reply = fcopy.handle(m);
                if (reply == null) {
                    assertEquals(4, m.length, "only the kernel's 4-byte handshake reply goes unanswered");
                    continue;
                }
                assertEquals(4, reply.length);
            }
            fcopy.sessionEnded();
            try (Stream<Path> s = Files.list(base)) {
                assertEquals(List.of(root), s.toList(), "something was created beside the root");
            }
            try (Stream<Path> s = Files.walk(root)) {
                for (Path p : s.toList()) {
                    assertTrue(!Files.isSymbolicLink(p) || p.equals(root.resolve("in/link")), "a link appeared: " + p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            clear(root);
        }
    }

    private static void clear(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(root)) {
                    Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void messages(FuzzedDataProvider d) {
        fuzzerTestOneInput(d);
    }
}
