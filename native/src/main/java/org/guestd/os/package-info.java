// SPDX-License-Identifier: Apache-2.0
/**
 * The pure-Java half of guestd's OS boundary: readers of kernel tables under the injected
 * {@link org.guestd.core.env.HostPaths} ({@link org.guestd.os.MountInfo}) and the hook runner over
 * the injected {@link org.guestd.core.env.CommandRunner} ({@link org.guestd.os.HookRunner}). No JNA
 * here: everything runs on fixture trees and fake runners in tests.
 *
 * <p>Why in {@code native} rather than {@code core}: these pieces are OS knowledge (the kernel's
 * mountinfo escapes, qemu-ga's sscanf rules, how a hook script is run and reported), which
 * {@code core} — the contract every module builds on, JDK and slf4j only — does not hold; and they
 * report failures with the OS's own texts, which come from {@code native}'s one errno table
 * ({@link org.guestd.jna.linux.Errno}). Several features need each of them (freeze and guestinfo
 * read mountinfo; freeze, shutdown and the coming Azure and time-sync hooks run hooks), and a
 * feature must not depend on another feature, so they live below all features, beside the JNA
 * facades every feature may already use.
 */
package org.guestd.os;
