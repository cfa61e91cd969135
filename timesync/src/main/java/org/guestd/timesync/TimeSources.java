// SPDX-License-Identifier: Apache-2.0
package org.guestd.timesync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.core.env.HostPaths;

/**
 * Finds the best hypervisor time source present: a PTP clock whose {@code clock_name} is KVM's
 * ("KVM virtual PTP") or Hyper-V's ("hyperv"), else the first RTC — but only in a virtual
 * machine, where the emulated RTC follows the host's clock. Sysfs is read through the
 * injected roots; the PTP device is opened by the given opener (native in production).
 */
public final class TimeSources {
    /** Opens a PTP device: {@code (devicePath, clockName) -> source}. */
    @FunctionalInterface
    public interface PtpOpener {
        TimeSource open(String device, String clockName) throws AgentException;
    }

    static final List<String> HYPERVISOR_PTP = List.of("KVM virtual PTP", "hyperv");

    private TimeSources() {}

    /** The best source, or empty when there is none (then nothing is healed). */
    public static Optional<TimeSource> detect(HostPaths paths, PtpOpener ptp) {
        for (Path dir : list(paths.sys("class/ptp"))) {
            String name = read(dir.resolve("clock_name"));
            if (name != null && HYPERVISOR_PTP.contains(name)) {
                try {
                    return Optional.of(ptp.open(paths.dev().resolve(dir.getFileName().toString()).toString(), name));
                } catch (AgentException e) {
                    // fall through to the next clock, then the RTC
                }
            }
        }
        if (!isVirtualMachine(paths)) {
            return Optional.empty(); // a physical machine's RTC is not the host's clock: never heal from it
        }
        for (Path dir : list(paths.sys("class/rtc"))) {
            if (Files.isRegularFile(dir.resolve("since_epoch"))) {
                return Optional.of(new RtcTimeSource(dir));
            }
        }
        return Optional.empty();
    }

    /** DMI vendors and products of the hypervisors whose emulated RTC follows the host's clock. */
    static final List<String> VM_DMI = List.of("QEMU", "KVM", "Microsoft Corporation", "Xen", "VMware", "innotek",
            "Amazon EC2", "Google", "Bochs", "OpenStack", "Virtual Machine");

    /**
     * Whether this is a virtual machine: {@code /sys/hypervisor/type} (Xen) or a hypervisor's DMI
     * vendor/product. The RTC is only trusted as the host's clock inside one.
     */
    static boolean isVirtualMachine(HostPaths paths) {
        if (read(paths.sys("hypervisor/type")) != null) {
            return true;
        }
        for (String f : List.of("class/dmi/id/sys_vendor", "class/dmi/id/product_name")) {
            String v = read(paths.sys(f));
            if (v != null && VM_DMI.stream().anyMatch(v::contains)) {
                return true;
            }
        }
        return false;
    }

    private static List<Path> list(Path dir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(out::add);
        } catch (IOException e) {
            return out;
        }
        out.sort(null);
        return out;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return null;
        }
    }
}
