// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * glibc 2.34+ only: {@code posix_spawn_file_actions_addclosefrom_np}. Kept apart from {@link
 * ProcLibc} so an older glibc only loses this one call ({@link Spawn} then relies on O_CLOEXEC).
 */
final class ProcLibcExtra {
    static {
        Native.register(ProcLibcExtra.class, Platform.C_LIBRARY_NAME);
    }

    private ProcLibcExtra() {}

    static native int posix_spawn_file_actions_addclosefrom_np(Pointer fa, int from);
}
