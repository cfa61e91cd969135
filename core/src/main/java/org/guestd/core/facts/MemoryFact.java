// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.facts;

/**
 * Memory totals from {@code /proc/meminfo}, in bytes.
 *
 * @param totalBytes MemTotal
 * @param freeBytes MemFree
 * @param availableBytes MemAvailable (the kernel's estimate of what can be used without swapping)
 */
public record MemoryFact(long totalBytes, long freeBytes, long availableBytes) {}
