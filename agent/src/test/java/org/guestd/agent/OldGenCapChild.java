// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayDeque;

/**
 * The child JVM of {@link OldGenCapJvmTest}: allocates {@code MiB} of 1 KiB arrays, each kept
 * alive while the next {@code window} MiB are allocated (so it outlives a young collection and is
 * promoted, as queued requests are under a flood), with or without the cap armed; prints the old
 * generation's peak use and how many collections the cap made.
 */
public final class OldGenCapChild {
    private OldGenCapChild() {
    }

    public static void main(String[] args) throws Exception {
        boolean armed = args[0].equals("cap");
        long total = Long.parseLong(args[1]) << 20;
        int window = Integer.parseInt(args[2]) << 10; // arrays of 1 KiB
        MemoryPoolMXBean old = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(b -> b.getType() == MemoryType.HEAP && b.isUsageThresholdSupported()).findFirst().orElseThrow();
        OldGenCap cap = OldGenCap.forThisJvm();
        if (armed) {
            cap.arm();
        }
        ArrayDeque<byte[]> live = new ArrayDeque<>();
        long sink = 0;
        for (long done = 0; done < total; done += 1024) {
            byte[] b = new byte[1024];
            b[0] = (byte) done;
            live.add(b);
            if (live.size() > window) {
                sink += live.poll()[0];
            }
            if ((done & ((1 << 20) - 1)) == 0) {
                Thread.sleep(0, 200_000); // 0.2 to 1 ms per MiB (JDK 17 rounds up): an agent's rate, not a benchmark's
            }
        }
        System.out.printf("oldPeakMiB=%d collections=%d sink=%d%n", old.getPeakUsage().getUsed() >> 20,
                cap.collections(), sink);
    }
}
