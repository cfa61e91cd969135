// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv.uio;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.guestd.host.vmbus.HostRing;
import org.guestd.host.vmbus.IcMessages;
import org.guestd.host.vmbus.UioHostEmulator;
import org.guestd.host.vmbus.VmbusFault;
import org.guestd.hyperv.FcopyFileReceiver;
import org.guestd.hyperv.HvStatus;
import org.guestd.jna.linux.Posix;
import org.guestd.jna.linux.Pty;
import org.guestd.transport.IoLoop;
import org.guestd.vmbus.UioDevice;
import org.guestd.vmbus.VmbusChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The emulator's fault policies against guestd's UIO fcopy: it never crashes (the channel keeps
 * answering afterwards, or ends cleanly on a rescind), never leaves a partial file, never spins.
 */
class FcopyUioFaultTest {
    @TempDir
    Path tmp;

    static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); // hang guard only
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    /** After the loop handled everything queued so far. */
    static void settle(UioRig rig) throws Exception {
        rig.loop.eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @EnumSource(UioHostEmulator.Kernel.class)
    void aPacketThatRaisedNoInterruptIsStillServed(UioHostEmulator.Kernel kernel) throws Exception {
        try (UioRig rig = new UioRig(tmp.resolve("root"), kernel)) {
            rig.emu.toGuest().setInterruptMask(1); // the mask is set (by an old driver, or left by a previous daemon)
            assertTrue(rig.emu.send(7, IcMessages.negotiate(new int[] {IcMessages.version(3, 0)},
                    new int[] {IcMessages.version(1, 1)})));
            assertEquals(0, rig.emu.interrupts(), "masked: the host raised no interrupt");
            rig.start(); // unmask, fence, re-check: the packet is found without an interrupt
            HostRing.Packet p = rig.emu.receive(Duration.ofSeconds(10));
            assertNotNull(p, "served without an interrupt");
            assertEquals(7, p.xid());
            assertEquals(0, IcMessages.status(p.payload()));
            assertEquals(0, rig.emu.toGuest().interruptMask(), "left unmasked");
        }
    }

    @Test
    void aTornPacketWaitsForItsEnd() throws Exception {
        Path root = tmp.resolve("root");
        try (UioRig rig = new UioRig(root, UioHostEmulator.Kernel.USER_OWNS_MASK).start()) {
            rig.host.negotiate();
            long before = rig.wakeups();
            rig.emu.inject(VmbusFault.TORN_PACKET, 42, IcMessages.start("t", root.toString(), 0, 1, 0));
            await("the interrupt", () -> uncheckedWakeups(rig) > before);
            settle(rig);
            assertEquals(0, rig.emu.fromGuest().used(), "no reply to half a packet");
            assertFalse(Files.exists(root.resolve("t")));
            rig.emu.completeTorn();
            HostRing.Packet p = rig.emu.receive(Duration.ofSeconds(10));
            assertEquals(42, p.xid());
            assertEquals(0, IcMessages.status(p.payload()));
            assertEquals(0, rig.host.status(IcMessages.bare(IcMessages.FCOPY_CANCEL, 0)));
        }
    }

    private static long uncheckedWakeups(UioRig rig) {
        try {
            return rig.wakeups();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @EnumSource(value = VmbusFault.class, names = {"BAD_LENGTHS", "BAD_INDICES", "UNKNOWN_MESSAGE_TYPE"})
    void nonsenseIsSkippedAndTheChannelKeepsServing(VmbusFault fault) throws Exception {
        try (UioRig rig = new UioRig(tmp.resolve("root"), UioHostEmulator.Kernel.USER_OWNS_MASK).start()) {
            rig.host.negotiate();
            long before = rig.wakeups();
            if (fault == VmbusFault.UNKNOWN_MESSAGE_TYPE) {
                byte[] r = rig.host.request(IcMessages.message(99, 8, 3).array());
                assertEquals(HvStatus.E_FAIL, IcMessages.status(r), "answered HV_E_FAIL as the reference");
                assertEquals(IcMessages.FLAG_TRANSACTION | IcMessages.FLAG_RESPONSE, IcMessages.flags(r));
            } else {
                rig.emu.inject(fault, 5, new byte[0]);
                await("the interrupt", () -> uncheckedWakeups(rig) > before);
                settle(rig);
                assertEquals(0, rig.emu.fromGuest().used(), "nothing answered");
                if (fault == VmbusFault.BAD_INDICES) {
                    for (int i = 0; i < 50; i++) {
                        rig.emu.interrupt(); // still corrupt: each interrupt is looked at once, nothing more
                    }
                    await("the interrupts", () -> uncheckedWakeups(rig) >= before + 2);
                    settle(rig);
                    assertTrue(rig.wakeups() <= before + 51, "no wake-up without an interrupt: " + rig.wakeups());
                    rig.emu.toGuest().setIndices(0, 0); // the host repairs its ring
                }
            }
            assertEquals(0, IcMessages.status(rig.host.negotiate()), "served again");
            assertEquals(0, rig.host.copy("after", rig.root.toString(), 0, new byte[] {1, 2, 3}));
        }
    }

    @ParameterizedTest
    @EnumSource(UioHostEmulator.Kernel.class)
    void bothRingsFullEverythingAnsweredInOrder(UioHostEmulator.Kernel kernel) throws Exception {
        fillBothRings(kernel, IcMessages.negotiate(new int[] {IcMessages.version(3, 0)},
                new int[] {IcMessages.version(1, 1)}), 0); // answered on the loop
    }

    @ParameterizedTest
    @EnumSource(UioHostEmulator.Kernel.class)
    void bothRingsFullWithWorkerRepliesAtTheInFlightLimit(UioHostEmulator.Kernel kernel) throws Exception {
        fillBothRings(kernel, IcMessages.bare(9, 0), HvStatus.E_FAIL); // answered by the worker, 16 at a time
    }

    private void fillBothRings(UioHostEmulator.Kernel kernel, byte[] nego, int expected) throws Exception {
        try (UioRig rig = new UioRig(tmp.resolve("root"), kernel).start()) {
            int sent = 0;
            while (rig.emu.send(sent, nego)) { // the host fills its ring without reading a reply
                sent++;
            }
            assertTrue(sent > 100, "filled with " + sent);
            List<Long> got = new ArrayList<>();
            int total = 1000;
            while (got.size() < total) {
                HostRing.Packet p = rig.emu.receive(Duration.ofSeconds(10));
                assertNotNull(p, "reply " + got.size() + " came; " + state(rig));
                assertEquals(expected, IcMessages.status(p.payload()));
                got.add(p.xid());
                while (sent < total && rig.emu.send(sent, nego)) {
                    sent++;
                }
            }
            for (int i = 0; i < total; i++) {
                assertEquals(i, got.get(i), "in order");
            }
        }
    }

    @Test
    void aHostThatStopsReadingThenRescindsLeavesNoPartialFileAndNoSpin() throws Exception {
        Path root = tmp.resolve("root");
        try (UioRig rig = new UioRig(root, UioHostEmulator.Kernel.USER_OWNS_MASK).start()) {
            rig.host.negotiate();
            rig.emu.send(1, IcMessages.start("stuck", root.toString(), 0, 1 << 20, 0));
            byte[] chunk = new byte[IcMessages.DATA_FRAGMENT];
            int sent = 0;
            while (rig.emu.send(100 + sent, IcMessages.write((long) sent * chunk.length, chunk, 0, chunk.length, 0))) {
                sent++; // nobody reads the replies
            }
            await("the guest's ring to fill", () -> rig.emu.fromGuest().free() < 2 * 6248);
            settle(rig);
            assertTrue(Files.exists(root.resolve("stuck")));
            long cpu = ioThreadCpuNanos();
            long wakes = rig.wakeups();
            Thread.sleep(1000); // a measurement: what the stalled channel costs over a second
            long used = ioThreadCpuNanos() - cpu;
            assertEquals(wakes, rig.wakeups(), "no wake-ups while the host is silent");
            assertTrue(used < 50_000_000L, "the I/O thread used " + used / 1_000_000 + " ms of CPU in 1 s");
            rig.emu.inject(VmbusFault.RESCIND, 0, null);
            await("the rescind", () -> rig.rescinds.get() == 1);
            await("the partial file's removal", () -> !Files.exists(root.resolve("stuck")));
        }
    }

    @ParameterizedTest
    @EnumSource(UioHostEmulator.Kernel.class)
    void anInterruptStormIsNotAmplified(UioHostEmulator.Kernel kernel) throws Exception {
        try (UioRig rig = new UioRig(tmp.resolve("root"), kernel).start()) {
            rig.host.negotiate();
            settle(rig);
            long signals = rig.signals();
            long wakes = rig.wakeups();
            rig.emu.inject(VmbusFault.INTERRUPT_STORM, 0, null);
            await("the storm to be consumed", () -> {
                try {
                    rig.emu.pump();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return uncheckedWakeups(rig) > wakes;
            });
            settle(rig);
            long woke = rig.wakeups() - wakes;
            long signalled = rig.signals() - signals;
            assertTrue(woke <= 1000, "at most one wake-up per interrupt: " + woke);
            if (kernel == UioHostEmulator.Kernel.USER_OWNS_MASK) {
                assertEquals(0, signalled, "an empty ring is never answered with a signal");
            } else {
                assertTrue(signalled <= woke, "only the unmasking the old driver needs: " + signalled);
            }
            assertEquals(0, IcMessages.status(rig.host.negotiate()), "still serving");
        }
    }

    @Test
    void rescindMidCopyRemovesThePartialFile() throws Exception {
        Path root = tmp.resolve("root");
        try (UioRig rig = new UioRig(root, UioHostEmulator.Kernel.USER_OWNS_MASK).start()) {
            rig.host.negotiate();
            assertEquals(0, rig.host.status(IcMessages.start("half", root.toString(), 0, 1 << 20, 0)));
            assertEquals(0, rig.host.status(IcMessages.write(0, new byte[100], 0, 100, 0)));
            assertTrue(Files.exists(root.resolve("half")));
            rig.emu.rescind();
            await("the rescind", () -> rig.rescinds.get() == 1);
            await("the partial file's removal", () -> !Files.exists(root.resolve("half")));
        }
    }

    @Test
    void eioFromTheDeviceMeansTheChannelIsGone() throws Exception {
        // a pty master whose slave was never opened fails read() with EIO, as /dev/uioN after a rescind
        try (UioHostEmulator emu = new UioHostEmulator(UioHostEmulator.FCOPY_RING_SIZE, UioHostEmulator.Kernel.USER_OWNS_MASK);
                IoLoop loop = IoLoop.create()) {
            String spec = emu.handOver();
            int mapFd = Integer.parseInt(spec.substring(3, spec.indexOf(',')));
            Posix.close(Integer.parseInt(spec.substring(spec.indexOf(',') + 1)));
            Pty pty = Pty.open(true);
            Posix.close(Posix.openFd(pty.slavePath(), Posix.O_RDWR | Posix.O_NOCTTY)); // opened and closed: hung up
            List<Boolean> closed = new ArrayList<>();
            VmbusChannel ch = VmbusChannel.start(loop, UioDevice.ofDescriptors(mapFd, pty.masterFd()),
                    new FcopyUioHandler(new FcopyFileReceiver(tmp), Runnable::run, () -> closed.add(true)));
            await("EIO to end the channel", () -> closed.size() == 1);
            long wakes = loop.eventLoop().submit(ch::wakeups).get();
            assertTrue(wakes <= 1, "ended at the first EIO, no loop: " + wakes);
        }
    }

    static String state(UioRig rig) {
        var e = rig.emu;
        return "toGuest used " + e.toGuest().used() + " mask " + e.toGuest().interruptMask() + " pending "
                + e.toGuest().pendingSend() + "; fromGuest used " + e.fromGuest().used() + " free " + e.fromGuest().free()
                + " pending " + e.fromGuest().pendingSend() + "; interrupts " + e.interrupts() + ", guest signals "
                + e.guestSignals();
    }

    static long ioThreadCpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(IoLoop.THREAD_NAME)) {
                total += mx.getThreadCpuTime(t.getId());
            }
        }
        return total;
    }
}
