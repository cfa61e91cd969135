// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv.uio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.guestd.core.env.HostPaths;
import org.guestd.core.testing.TestContext;
import org.guestd.host.vmbus.FcopyHost;
import org.guestd.host.vmbus.IcMessages;
import org.guestd.host.vmbus.UioHostEmulator;
import org.guestd.files.FileReceiver;
import org.guestd.hyperv.FcopyFileReceiver;
import org.guestd.hyperv.HypervService;
import org.guestd.transport.IoLoop;
import org.guestd.vmbus.UioLocator;
import org.guestd.vmbus.UioDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding the fcopy device in sysfs (fixture trees: nothing here touches this machine's /sys), the
 * runtime choice char device / UIO, binding only an unbound device, and rescind → wait for the
 * device's return (an injected device watch) → served again.
 */
class UioLifecycleTest {
    static final String FCOPY_INSTANCE = "eb765408-105f-49b6-b4aa-c123b64d17d4";

    @TempDir
    Path tmp;
    final IoLoop loop = IoLoop.create();
    final ExecutorService pool = Executors.newCachedThreadPool();
    final List<UioHostEmulator> emulators = new ArrayList<>();

    @AfterEach
    void close() {
        loop.close();
        pool.shutdownNow();
        emulators.forEach(UioHostEmulator::close);
    }

    /** A sysfs tree with a KVP and an fcopy instance; returns the fcopy instance directory. */
    Path sysfs(boolean uioBound, String driver) throws Exception {
        Path devices = Files.createDirectories(tmp.resolve("sys/bus/vmbus/devices"));
        Path kvp = Files.createDirectories(devices.resolve("242ff919-07db-4180-9c2e-b86cb68c8c55"));
        Files.writeString(kvp.resolve("class_id"), "{a9a0f4e7-5a45-4d96-b827-8a841e8c03e6}\n");
        Path inst = Files.createDirectories(devices.resolve(FCOPY_INSTANCE));
        Files.writeString(inst.resolve("class_id"), "{34d14be3-dee4-41c8-9ae7-6b174977c192}\n");
        Path ch = Files.createDirectories(inst.resolve("channels/14"));
        try (RandomAccessFile f = new RandomAccessFile(ch.resolve("ring").toFile(), "rw")) {
            f.setLength(2L * UioHostEmulator.FCOPY_RING_SIZE);
        }
        Files.createDirectories(tmp.resolve("sys/bus/vmbus/drivers/uio_hv_generic"));
        Files.writeString(tmp.resolve("sys/bus/vmbus/drivers/uio_hv_generic/new_id"), "");
        if (driver != null) {
            Path d = Files.createDirectories(tmp.resolve("sys/bus/vmbus/drivers/" + driver));
            Files.createSymbolicLink(inst.resolve("driver"), d);
        }
        if (uioBound) {
            Files.createDirectories(inst.resolve("uio/uio3"));
            Files.createDirectories(tmp.resolve("dev"));
            Files.writeString(tmp.resolve("dev/uio3"), ""); // stands for the node; the opener is injected
        }
        return inst;
    }

    UioLocator locator() {
        return new UioLocator(tmp.resolve("sys"), tmp.resolve("dev"));
    }

    @Test
    void findsTheDeviceByClassAndItsNodeAndRingSizeThroughSysfs() throws Exception {
        Path inst = sysfs(true, "uio_hv_generic");
        UioLocator l = locator();
        assertEquals(Optional.of(inst), l.instance());
        UioLocator.Found f = l.inspect(inst);
        assertEquals(Optional.of(tmp.resolve("dev/uio3")), f.node(), "uio3 from <instance>/uio, not uio0");
        assertEquals(UioHostEmulator.FCOPY_RING_SIZE, f.ringSize(), "half the ring file");
        assertEquals(Optional.of("uio_hv_generic"), f.driver());
    }

    /** A watch that records its callbacks, for the test to fire. */
    static final class Adds {
        final List<Runnable> callbacks = new ArrayList<>();
        int closed;

        AutoCloseable watch(Runnable r) {
            synchronized (this) {
                callbacks.add(r);
            }
            return () -> {
                synchronized (this) {
                    closed++;
                }
            };
        }

        synchronized void fire() {
            callbacks.get(callbacks.size() - 1).run();
        }
    }

    @Test
    void bindsThroughNewIdOnlyWhenNothingIsBound() throws Exception {
        sysfs(false, null);
        Adds adds = new Adds();
        UioFcopy f = new UioFcopy(loop, pool, new FcopyFileReceiver(tmp), locator(), x -> fail("nothing to open"),
                adds::watch);
        assertFalse(f.start());
        assertEquals("34d14be3-dee4-41c8-9ae7-6b174977c192",
                Files.readString(tmp.resolve("sys/bus/vmbus/drivers/uio_hv_generic/new_id")));
        assertEquals(1, adds.callbacks.size(), "waits for the uio device's uevent");
        f.close();
    }

    @Test
    void aDeviceAnotherDriverHoldsIsLeftAlone() throws Exception {
        sysfs(false, "hv_utils");
        Adds adds = new Adds();
        UioFcopy f = new UioFcopy(loop, pool, new FcopyFileReceiver(tmp), locator(), x -> fail("nothing to open"),
                adds::watch);
        assertFalse(f.start());
        assertEquals("", Files.readString(tmp.resolve("sys/bus/vmbus/drivers/uio_hv_generic/new_id")), "no new_id write");
        f.close();
    }

    @Test
    void afterARescindTheReturningDeviceIsServedAgain() throws Exception {
        sysfs(true, "uio_hv_generic");
        Path root = Files.createDirectories(tmp.resolve("root"));
        Adds adds = new Adds();
        UioFcopy f = new UioFcopy(loop, pool, new FcopyFileReceiver(root), locator(), found -> {
            assertEquals(UioHostEmulator.FCOPY_RING_SIZE, found.ringSize());
            UioHostEmulator emu = new UioHostEmulator(found.ringSize(), UioHostEmulator.Kernel.USER_OWNS_MASK);
            synchronized (emulators) {
                emulators.add(emu);
            }
            return UioDevice.ofSpec(emu.handOver());
        }, adds::watch);
        assertTrue(f.start());
        FcopyHost h1 = new FcopyHost(emulators.get(0), Duration.ofSeconds(10));
        assertEquals(0, IcMessages.status(h1.negotiate()));
        assertEquals(0, h1.copy("one", root.toString(), 0, new byte[] {1}));
        assertTrue(adds.callbacks.isEmpty(), "no watch while served");
        emulators.get(0).rescind();
        FcopyUioFaultTest.await("the wait for the device", () -> adds.callbacks.size() == 1);
        assertFalse(f.serving());
        adds.fire(); // udev: the device is back
        FcopyUioFaultTest.await("the new channel", () -> f.serving() && emulators.size() == 2);
        FcopyHost h2 = new FcopyHost(emulators.get(1), Duration.ofSeconds(10));
        assertEquals(0, IcMessages.status(h2.negotiate()));
        assertEquals(0, h2.copy("two", root.toString(), 0, new byte[] {2}));
        assertArrayEquals(new byte[] {2}, Files.readAllBytes(root.resolve("two")));
        assertEquals(1, adds.closed, "the watch ends once served again");
        f.close();
    }

    @Test
    void theServiceServesTheSeamAndPrefersAnExistingCharDevice() throws Exception {
        UioHostEmulator emu = new UioHostEmulator(UioHostEmulator.FCOPY_RING_SIZE, UioHostEmulator.Kernel.USER_OWNS_MASK);
        emulators.add(emu);
        Path root = Files.createDirectories(tmp.resolve("root"));
        HypervService s = new HypervService((p, b) -> fail("no char device expected"), Optional.empty(),
                Optional.empty(), Optional.of(new FileReceiver(root)), loop);
        s.start(new TestContext("hyperv").paths(HostPaths.under(tmp)).general(Map.of("kvp-device", "off",
                "vss-device", "off", "fcopy-uio-device", emu.handOver(), "fcopy-root", root.toString())));
        try {
            FcopyHost h = new FcopyHost(emu, Duration.ofSeconds(10));
            assertEquals(0, IcMessages.status(h.negotiate()));
            assertEquals(0, h.copy("seam", root.toString(), 0, new byte[] {9}));
            assertArrayEquals(new byte[] {9}, Files.readAllBytes(root.resolve("seam")));
        } finally {
            s.stop();
        }
        // a char device present: chosen over UIO even with a VMBus fcopy device in sysfs
        sysfs(true, "uio_hv_generic");
        Files.createDirectories(tmp.resolve("dev/vmbus"));
        Files.writeString(tmp.resolve("dev/vmbus/hv_fcopy"), "");
        List<String> opened = new ArrayList<>();
        HypervService c = new HypervService((p, b) -> {
            opened.add(p);
            throw new IllegalStateException("stop here");
        }, Optional.empty(), Optional.empty(), Optional.of(new FileReceiver(root)), loop);
        assertThrows(IllegalStateException.class, () -> c.start(new TestContext("hyperv").paths(HostPaths.under(tmp))
                .general(Map.of("kvp-device", "off", "vss-device", "off"))));
        assertEquals(List.of(HypervService.FCOPY_DEVICE), opened);
    }
}
