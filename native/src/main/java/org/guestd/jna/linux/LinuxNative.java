// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import com.sun.jna.LastErrorException;
import io.netty.channel.epoll.Epoll;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the native layer (JNA libc bindings and Netty's epoll transport) can be used here.
 * Probed once, on first use; never throws. {@code -Dguestd.native.disable=true} forces it off
 * (for pure-Java fallbacks and tests of them).
 */
public final class LinuxNative {
    /** System property that disables the native layer. */
    public static final String DISABLE_PROPERTY = "guestd.native.disable";

    private static final Logger LOG = LoggerFactory.getLogger(LinuxNative.class);

    private LinuxNative() {}

    private static final class Probe {
        static final String CAUSE = probe();
    }

    /** Null when usable, else a short cause such as {@code "not Linux: Mac OS X"}. */
    public static String availability() {
        return Probe.CAUSE;
    }

    /** True when {@link #availability()} is null. */
    public static boolean isAvailable() {
        return Probe.CAUSE == null;
    }

    /**
     * Throws when the native layer is unusable, so facades fail with an errno-style exception
     * (ENOSYS) instead of a class-initialisation error.
     */
    static void ensure(String call) throws NativeException {
        String cause = Probe.CAUSE;
        if (cause != null) {
            throw new NativeException(call, Errno.ENOSYS, "native layer unavailable: " + cause, null);
        }
    }

    private static String probe() {
        String cause;
        try {
            cause = probe0();
        } catch (Throwable t) { // LinkageError, SecurityException: report, never throw
            cause = t.getClass().getSimpleName() + ": " + t.getMessage();
        }
        if (cause == null) {
            LOG.debug("native layer available");
        } else {
            LOG.debug("native layer unavailable: {}", cause);
        }
        return cause;
    }

    private static String probe0() {
        if (Boolean.getBoolean(DISABLE_PROPERTY)) {
            return "disabled by -D" + DISABLE_PROPERTY + "=true";
        }
        String os = System.getProperty("os.name", "");
        if (!os.startsWith("Linux")) {
            return "not Linux: " + os;
        }
        String arch = System.getProperty("os.arch", "");
        if (!arch.equals("amd64") && !arch.equals("x86_64") && !arch.equals("aarch64")) {
            return "unsupported architecture: " + arch + " (struct layouts are known for x86_64 and aarch64)";
        }
        // Loading the class registers the natives; a missing libc symbol fails here.
        try {
            LinuxLibc.fcntl(0, LinuxLibc.F_GETFD, 0);
        } catch (LastErrorException expected) {
            // fd 0 closed: the call itself worked
        }
        if (!Epoll.isAvailable()) {
            Throwable t = Epoll.unavailabilityCause();
            return "netty epoll unavailable: " + (t == null ? "unknown" : t.getMessage());
        }
        return null;
    }
}
