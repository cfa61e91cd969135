// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

/**
 * The fields of {@code struct utsname} (uname(2)) that guestd reports.
 *
 * @param sysname e.g. {@code "Linux"}
 * @param nodename the host name
 * @param release e.g. {@code "6.1.0-28-amd64"}
 * @param version e.g. {@code "#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)"}
 * @param machine e.g. {@code "x86_64"}
 */
public record Utsname(String sysname, String nodename, String release, String version, String machine) {}
