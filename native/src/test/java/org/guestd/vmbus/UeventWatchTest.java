// SPDX-License-Identifier: Apache-2.0
package org.guestd.vmbus;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.guestd.jna.linux.Posix;
import org.guestd.jna.linux.SocketPairs;
import org.guestd.transport.IoLoop;
import org.junit.jupiter.api.Test;

/** Device-add events as the kernel formats them, on a socketpair standing in for the netlink socket. */
class UeventWatchTest {
    static byte[] event(String... fields) {
        return (String.join("\0", fields) + "\0").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void parsesTheKernelFormatAndRejectsOthers() {
        byte[] m = event("add@/devices/virtual/uio/uio3", "ACTION=add", "DEVPATH=/devices/virtual/uio/uio3",
                "SUBSYSTEM=uio", "SEQNUM=42");
        Map<String, String> ev = UeventWatch.parse(m, m.length);
        assertEquals("add", ev.get("ACTION"));
        assertEquals("uio", ev.get("SUBSYSTEM"));
        byte[] udev = "libudev\0\u00fe\u00ed\u00ca\u00fe".getBytes(StandardCharsets.ISO_8859_1);
        assertNull(UeventWatch.parse(udev, udev.length), "udev's binary re-broadcast is not ours");
    }

    @Test
    void onlyAddsOfTheChosenSubsystemsReachTheCallback() throws Exception {
        int[] sv = SocketPairs.seqpacket(); // blocking ends: the watch must make its end non-blocking
        List<Map<String, String>> got = new CopyOnWriteArrayList<>();
        for (byte[] m : List.of(
                event("remove@/x", "ACTION=remove", "SUBSYSTEM=uio"),
                event("add@/y", "ACTION=add", "SUBSYSTEM=net"),
                event("add@/devices/virtual/uio/uio1", "ACTION=add", "SUBSYSTEM=uio"),
                event("bind@/z", "ACTION=bind", "SUBSYSTEM=vmbus"),
                event("add@/devices/vmbus/x", "ACTION=add", "SUBSYSTEM=vmbus"))) {
            ByteBuffer b = ByteBuffer.allocateDirect(m.length).put(m).flip();
            assertEquals(m.length, Posix.write(sv[0], b)); // all queued before the watch reads: it drains them in one go
        }
        try (IoLoop loop = IoLoop.create();
                UeventWatch w = UeventWatch.on(loop, sv[1], Set.of("uio", "vmbus"), got::add)) {
            loop.eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); // hang guard
            while (got.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(List.of("uio", "vmbus"), got.stream().map(e -> e.get("SUBSYSTEM")).toList());
            loop.eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS); // the loop is not stuck in a read
        } finally {
            Posix.close(sv[0]);
        }
    }
}
