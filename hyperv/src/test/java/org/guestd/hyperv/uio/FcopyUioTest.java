// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv.uio;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.guestd.host.vmbus.FcopyHost;
import org.guestd.host.vmbus.IcMessages;
import org.guestd.host.vmbus.UioHostEmulator;
import org.guestd.hyperv.HvStatus;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Copy-VMFile over the UIO channel end to end: host emulator → ring → guestd → files. */
class FcopyUioTest {
    @TempDir
    Path tmp;

    static byte[] content(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @ParameterizedTest
    @EnumSource(UioHostEmulator.Kernel.class)
    void negotiatesAsTheKernelAndEchoesTheTransaction(UioHostEmulator.Kernel kernel) throws Exception {
        try (UioRig rig = new UioRig(tmp.resolve("root"), kernel).start()) {
            byte[] r = rig.host.negotiate();
            assertEquals(0, IcMessages.status(r));
            assertEquals(IcMessages.FLAG_TRANSACTION | IcMessages.FLAG_RESPONSE, IcMessages.flags(r));
            assertEquals(0x10, IcMessages.messageSize(r));
            assertArrayEquals(new int[] {1, 1, IcMessages.version(3, 0), IcMessages.version(1, 1)},
                    IcMessages.negotiated(r));
            assertEquals(0x1000, rig.host.lastReply().xid(), "the packet's transaction id is echoed");
            assertEquals(6, rig.host.lastReply().type(), "in-band");
            assertEquals((16 + 56) / 8, rig.host.lastReply().len8(), "same length as the request: 28 + 8 + 4 x 4, padded to 56");
            assertEquals(IcMessages.version(1, 1), rig.handler.serviceVersion());
            // nothing in common
            byte[] none = rig.host.request(IcMessages.negotiate(new int[] {IcMessages.version(1, 0)},
                    new int[] {IcMessages.version(1, 1)}));
            assertEquals(HvStatus.E_FAIL, IcMessages.status(none));
            assertEquals(0, IcMessages.negotiated(none)[0]);
            assertEquals(0, IcMessages.negotiated(none)[1]);
        }
    }

    @ParameterizedTest
    @EnumSource(UioHostEmulator.Kernel.class)
    void copiesOverwritesCreatesPathsAndCancels(UioHostEmulator.Kernel kernel) throws Exception {
        Path root = tmp.resolve("root");
        try (UioRig rig = new UioRig(root, kernel).start()) {
            FcopyHost h = rig.host;
            h.negotiate();
            String dir = root.toString();
            byte[] a = content(20_000, 1);
            assertEquals(0, h.copy("a.bin", dir, 0, a));
            assertArrayEquals(a, Files.readAllBytes(root.resolve("a.bin")));
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("a.bin"))));
            assertEquals(HvStatus.ERROR_ALREADY_EXISTS, h.copy("a.bin", dir, 0, content(10, 2)));
            assertArrayEquals(a, Files.readAllBytes(root.resolve("a.bin")), "refused overwrite leaves it intact");
            byte[] b = content(7, 3);
            assertEquals(0, h.copy("a.bin", dir, IcMessages.OVER_WRITE, b));
            assertArrayEquals(b, Files.readAllBytes(root.resolve("a.bin")));
            assertEquals(HvStatus.E_FAIL, h.copy("x", dir + "/d1/d2", 0, b), "missing directory without CREATE_PATH");
            assertFalse(Files.exists(root.resolve("d1")));
            assertEquals(0, h.copy("deep.txt", dir + "/d1/d2/d3", IcMessages.CREATE_PATH, b));
            assertArrayEquals(b, Files.readAllBytes(root.resolve("d1/d2/d3/deep.txt")));
            String unicode = "файл-日本-é-😀.txt";
            assertEquals(0, h.copy(unicode, dir + "/ü", IcMessages.CREATE_PATH, b));
            assertArrayEquals(b, Files.readAllBytes(root.resolve("ü").resolve(unicode)), "UTF-16 decoded, stored as UTF-8");
            // cancel midway
            assertEquals(0, h.status(IcMessages.start("partial", dir, 0, 100_000, h.nextTransaction())));
            assertEquals(0, h.status(IcMessages.write(0, a, 0, 6144, h.nextTransaction())));
            assertTrue(Files.exists(root.resolve("partial")));
            assertEquals(0, h.status(IcMessages.bare(IcMessages.FCOPY_CANCEL, h.nextTransaction())));
            assertFalse(Files.exists(root.resolve("partial")), "cancel removes the partial file");
            // COMPLETE with nothing open answers 0 as the reference; an unknown operation HV_E_FAIL
            assertEquals(0, h.status(IcMessages.bare(IcMessages.FCOPY_COMPLETE, h.nextTransaction())));
            assertEquals(HvStatus.E_FAIL, h.status(IcMessages.bare(9, h.nextTransaction())));
        }
    }

    @ParameterizedTest
    @EnumSource(UioHostEmulator.Kernel.class)
    void aLargeFileInManyChunks(UioHostEmulator.Kernel kernel) throws Exception {
        Path root = tmp.resolve("root");
        try (UioRig rig = new UioRig(root, kernel).start()) {
            rig.host.negotiate();
            byte[] big = content(16 * 1024 * 1024 + 123, 9); // 2731 chunks, the ring wraps over and over
            assertEquals(0, rig.host.copy("big", root.toString(), 0, big));
            assertTrue(Arrays.equals(big, Files.readAllBytes(root.resolve("big"))));
        }
    }

    @ParameterizedTest
    @EnumSource(UioHostEmulator.Kernel.class)
    void badNamesAreRefusedAndNothingLandsOutsideTheRoot(UioHostEmulator.Kernel kernel) throws Exception {
        Path root = tmp.resolve("root");
        Files.createDirectories(tmp.resolve("outside"));
        try (UioRig rig = new UioRig(root, kernel).start()) {
            FcopyHost h = rig.host;
            h.negotiate();
            String dir = root.toString();
            char[] lone = {'a', '\uD800', 'b', 0};
            char[] loneLow = {'a', '\uDC00', 0};
            char[] noNul = new char[260];
            Arrays.fill(noNul, 'n');
            List<byte[]> bad = List.of(
                    IcMessages.start(lone, (dir + "\0").toCharArray(), 0, 1, 0),
                    IcMessages.start(loneLow, (dir + "\0").toCharArray(), 0, 1, 0),
                    IcMessages.start(noNul, (dir + "\0").toCharArray(), 0, 1, 0),
                    IcMessages.start("ok".toCharArray(), noNul, IcMessages.CREATE_PATH, 1, 0),
                    IcMessages.start(new char[] {0}, (dir + "\0").toCharArray(), 0, 1, 0),
                    IcMessages.start("..", dir, 0, 1, 0),
                    IcMessages.start("../outside/x", dir, 0, 1, 0),
                    IcMessages.start("x", dir + "/../outside", IcMessages.CREATE_PATH, 1, 0),
                    IcMessages.start("x", tmp.resolve("outside").toString(), 0, 1, 0),
                    IcMessages.start("x", "relative/dir", IcMessages.CREATE_PATH, 1, 0));
            for (byte[] m : bad) {
                assertEquals(HvStatus.E_FAIL, h.status(m));
                assertEquals(HvStatus.E_FAIL, h.status(IcMessages.write(0, new byte[] {1}, 0, 1, 0)),
                        "no copy is open after a refused START");
            }
            try (Stream<Path> all = Files.walk(tmp)) {
                assertEquals(List.of(tmp, tmp.resolve("outside"), root), all.sorted().toList(), "nothing was written");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(UioHostEmulator.Kernel.class)
    void malformedWritesAreRefusedAndThePartialFileRemoved(UioHostEmulator.Kernel kernel) throws Exception {
        Path root = tmp.resolve("root");
        try (UioRig rig = new UioRig(root, kernel).start()) {
            FcopyHost h = rig.host;
            h.negotiate();
            assertEquals(0, h.status(IcMessages.start("f", root.toString(), 0, 10, 0)));
            byte[] w = IcMessages.write(0, new byte[10], 0, 10, 0);
            w[28 + 48] = 0x01; // size 6145: more than a fragment
            w[28 + 49] = 0x18;
            assertEquals(HvStatus.E_FAIL, h.status(w));
            assertFalse(Files.exists(root.resolve("f")), "a refused write drops the copy");
            byte[] shortFcopy = Arrays.copyOf(IcMessages.bare(IcMessages.FCOPY_COMPLETE, 0), 40);
            assertEquals(HvStatus.E_FAIL, h.status(shortFcopy), "an fcopy message shorter than its header");
            assertEquals(0, h.copy("after", root.toString(), 0, "still works".getBytes(StandardCharsets.UTF_8)));
        }
    }
}
