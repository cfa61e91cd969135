// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.fs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.guestd.guestinfo.util.SysfsTree;

/**
 * What qemu-ga 7.2 (built with libudev, as Debian's is) learns from
 * {@code udev_device_new_from_syspath}: the device node is {@code "/dev/" + DEVNAME} from the
 * device's {@code uevent} file (libudev does not check that the node exists), and the serial is
 * the {@code ID_SERIAL} property, which only the udev database
 * ({@code <run>/udev/data/b<major>:<minor>}, lines {@code E:KEY=VALUE}) provides. Without a
 * {@code uevent} file libudev refuses the device and neither is known. The sysfs {@code serial}
 * attribute is deliberately not used: qemu-ga does not report it when udev has no record.
 */
final class Udev {
    /** A device's node and serial; either may be null. */
    record Info(String devnode, String serial) {}

    private final SysfsTree sys;
    private final Path udevData;

    /**
     * @param udevData the udev database directory ({@code <run>/udev/data})
     */
    Udev(SysfsTree sys, Path udevData) {
        this.sys = sys;
        this.udevData = udevData;
    }

    Info query(String syspath) {
        String uevent = sys.readAttribute(syspath + "/uevent");
        if (uevent == null) {
            return new Info(null, null);
        }
        String devname = null;
        String major = null;
        String minor = null;
        for (String line : uevent.split("\n")) {
            if (line.startsWith("DEVNAME=")) {
                devname = line.substring(8);
            } else if (line.startsWith("MAJOR=")) {
                major = line.substring(6);
            } else if (line.startsWith("MINOR=")) {
                minor = line.substring(6);
            }
        }
        String devnode = null;
        if (devname != null && !devname.isEmpty()) {
            devnode = utf8(devname.startsWith("/") ? devname : "/dev/" + devname);
        }
        String serial = null;
        if (major != null && minor != null && udevData != null) {
            serial = property(udevData.resolve("b" + major.trim() + ":" + minor.trim()), "ID_SERIAL");
        }
        return new Info(devnode, serial == null || serial.isEmpty() ? null : serial);
    }

    /**
     * {@code udev_device_get_property_value(syspath, key)}: the udev database's {@code E:} entry,
     * else the {@code uevent} file's {@code KEY=VALUE} line (libudev reads both, the database
     * last); null when neither has it or the device has no {@code uevent} file.
     */
    String property(String syspath, String key) {
        String uevent = sys.readAttribute(syspath + "/uevent");
        if (uevent == null) {
            return null;
        }
        String fromUevent = null;
        String major = null;
        String minor = null;
        for (String line : uevent.split("\n")) {
            if (line.startsWith(key + "=")) {
                fromUevent = line.substring(key.length() + 1);
            } else if (line.startsWith("MAJOR=")) {
                major = line.substring(6);
            } else if (line.startsWith("MINOR=")) {
                minor = line.substring(6);
            }
        }
        String fromDb = null;
        if (major != null && minor != null && udevData != null) {
            fromDb = property(udevData.resolve("b" + major.trim() + ":" + minor.trim()), key);
        }
        if (fromDb != null) {
            return fromDb;
        }
        return fromUevent == null ? null : utf8(fromUevent);
    }

    private static String property(Path db, String key) {
        String text;
        try {
            text = new String(Files.readAllBytes(db), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        String value = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("E:" + key + "=")) {
                value = line.substring(key.length() + 3);
            }
        }
        return value;
    }

    private static String utf8(String latin1) {
        return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
}
