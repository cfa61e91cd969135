// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.facts;

/**
 * One memory sample of the guest: {@code /proc/meminfo} in bytes, memory pressure from
 * {@code /proc/pressure/memory} where the kernel has PSI, and the balloon's size where a balloon
 * driver says it. A sample is a new fact each time it is taken ({@code sampledAtNanos} differs); the
 * memory feature decides when one is worth publishing.
 *
 * @param totalBytes MemTotal
 * @param freeBytes MemFree
 * @param availableBytes MemAvailable (estimated on kernels before 3.14)
 * @param buffersBytes Buffers
 * @param cachedBytes Cached
 * @param swapTotalBytes SwapTotal
 * @param swapFreeBytes SwapFree
 * @param committedBytes Committed_AS
 * @param hugePagesTotal HugePages_Total (pages)
 * @param hugePagesFree HugePages_Free (pages)
 * @param hugePageBytes Hugepagesize
 * @param pressure memory pressure, or null without PSI
 * @param balloonBytes memory the balloon driver holds (virtio-balloon or hv_balloon), or -1 when unknown
 * @param sampledAtNanos when the sample was taken, wall clock, ns since the epoch
 */
public record MemoryFact(long totalBytes, long freeBytes, long availableBytes, long buffersBytes, long cachedBytes,
        long swapTotalBytes, long swapFreeBytes, long committedBytes, long hugePagesTotal, long hugePagesFree,
        long hugePageBytes, Pressure pressure, long balloonBytes, long sampledAtNanos) {

    /**
     * {@code /proc/pressure/memory}: the share of time some (or all, "full") tasks stalled on
     * memory, in percent over 10 s and 60 s, and the total stall time in microseconds.
     */
    public record Pressure(double someAvg10, double someAvg60, long someTotalMicros, double fullAvg10,
            double fullAvg60, long fullTotalMicros) {}

    /** A sample with only the three main figures (the rest zero or unknown). */
    public static MemoryFact basic(long totalBytes, long freeBytes, long availableBytes) {
        return new MemoryFact(totalBytes, freeBytes, availableBytes, 0, 0, 0, 0, 0, 0, 0, 0, null, -1, 0);
    }
}
