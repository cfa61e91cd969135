// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import java.util.Arrays;
import java.util.Optional;

/**
 * guestd's command-line options. The long names are also the keys of the config file's
 * {@code [general]} section (as in qemu-ga), and the short letters are qemu-ga's.
 */
enum Option {
    METHOD('m', "method", Arg.REQUIRED, "transport: virtio-serial, isa-serial, unix-listen, vsock-listen"),
    PATH('p', "path", Arg.REQUIRED, "device or socket path (vsock: CID:PORT)"),
    LOGFILE('l', "logfile", Arg.REQUIRED, "log to this file instead of stderr"),
    PIDFILE('f', "pidfile", Arg.REQUIRED, "write the process id to this file"),
    FSFREEZE_HOOK('F', "fsfreeze-hook", Arg.OPTIONAL, "run this fsfreeze hook script (default /etc/qemu/fsfreeze-hook)"),
    STATEDIR('t', "statedir", Arg.REQUIRED, "directory for state files (default /run/guestd)"),
    VERBOSE('v', "verbose", Arg.NONE, "log debug messages"),
    VERSION('V', "version", Arg.NONE, "print the version and exit"),
    DAEMONIZE('d', "daemonize", Arg.NONE, "accepted for qemu-ga compatibility; guestd stays in the foreground"),
    BLOCK_RPCS('b', "block-rpcs", Arg.REQUIRED, "comma-separated commands to disable ('help' lists them)"),
    ALLOW_RPCS('a', "allow-rpcs", Arg.REQUIRED, "comma-separated commands to allow, all others disabled"),
    CONFIG('c', "config", Arg.REQUIRED, "config file (default $GUESTD_CONF, else $QGA_CONF, else /etc/guestd/guestd.conf)"),
    DUMP_CONF('D', "dump-conf", Arg.NONE, "print the effective configuration and exit"),
    RETRY_PATH('r', "retry-path", Arg.NONE, "wait for a serial device missing at start (retried with backoff) instead of failing"),
    HELP('h', "help", Arg.NONE, "print this help and exit"),
    // Hyper-V channels (hyperv module): a path, fd:N (an inherited message descriptor) or off.
    KVP_DEVICE('\0', "kvp-device", Arg.REQUIRED, "Hyper-V KVP device, fd:N or off (default /dev/vmbus/hv_kvp)"),
    VSS_DEVICE('\0', "vss-device", Arg.REQUIRED, "Hyper-V VSS device, fd:N or off (default /dev/vmbus/hv_vss)"),
    FCOPY_DEVICE('\0', "fcopy-device", Arg.REQUIRED, "Hyper-V file-copy device, fd:N or off (default /dev/vmbus/hv_fcopy)"),
    FCOPY_UIO_DEVICE('\0', "fcopy-uio-device", Arg.REQUIRED,
            "Hyper-V file copy over uio_hv_generic: auto (found in sysfs when there is no char device), fd:MAP,EVENT (testing) or off"),
    // Xen (xen module): the xenbus device, fd:N (an inherited stream descriptor) or off.
    XENBUS_DEVICE('\0', "xenbus-device", Arg.REQUIRED,
            "Xen xenstore device, fd:N or off (default /dev/xen/xenbus, else /proc/xen/xenbus; off when neither exists)"),
    // Test seams (OSHI ProcPath, qga -t): where /proc, /sys, /etc and /run are read from.
    KVP_POOL_DIR('\0', "kvp-pool-dir", Arg.REQUIRED, "Hyper-V KVP pool files directory (default /var/lib/hyperv)"),
    PROC_ROOT('\0', "proc-root", Arg.REQUIRED, "read procfs from this directory (testing)"),
    SYS_ROOT('\0', "sys-root", Arg.REQUIRED, "read sysfs from this directory (testing)"),
    ETC_ROOT('\0', "etc-root", Arg.REQUIRED, "read /etc files from this directory (testing)"),
    RUN_ROOT('\0', "run-root", Arg.REQUIRED, "read /run files (utmp) from this directory (testing)");

    enum Arg { NONE, REQUIRED, OPTIONAL }

    final char shortName;
    final String longName;
    final Arg arg;
    final String help;

    Option(char shortName, String longName, Arg arg, String help) {
        this.shortName = shortName;
        this.longName = longName;
        this.arg = arg;
        this.help = help;
    }

    /** Options whose value is a boolean in the config file. */
    boolean isFlag() {
        return arg == Arg.NONE;
    }

    /** The config key: the long name, except -d whose key is qemu-ga's "daemon". */
    String key() {
        return this == DAEMONIZE ? "daemon" : longName;
    }

    static Optional<Option> byShort(char c) {
        return Arrays.stream(values()).filter(o -> o.shortName == c && c != '\0').findFirst();
    }

    static Optional<Option> byLong(String name) {
        return Arrays.stream(values())
                .filter(o -> o.longName.equals(name) || ("blacklist".equals(name) && o == BLOCK_RPCS))
                .findFirst();
    }
}
