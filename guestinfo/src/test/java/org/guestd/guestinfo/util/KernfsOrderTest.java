// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernfsOrderTest {
    private static List<String> sorted(String... names) {
        List<String> l = new ArrayList<>(List.of(names));
        l.sort(KernfsOrder.COMPARATOR);
        return l;
    }

    @Test
    void cpuDirectoryInTheOrderQemuGaSawIt() {
        // readdir of a live 2-vCPU /sys/devices/system/cpu (the machine of transcript 17)
        List<String> live = List.of("cpuidle", "uevent", "hotplug", "enabled", "possible", "offline", "present",
                "power", "online", "cpu1", "smt", "vulnerabilities", "cpufreq", "isolated", "kernel_max", "cpu0",
                "modalias");
        assertEquals(live, sorted(live.toArray(new String[0])));
    }

    @Test
    void blockDirectoryMatchesALiveReaddir() {
        List<String> live = List.of("loop1", "loop6", "loop4", "loop2", "loop0", "loop7", "zram0", "loop5", "vda",
                "loop3");
        assertEquals(live, sorted("vda", "loop0", "loop1", "loop2", "loop3", "loop4", "loop5", "loop6", "loop7",
                "zram0"));
    }

    @Test
    void fourCpus() {
        assertEquals(List.of("cpu3", "cpu1", "cpu2", "cpu0"), sorted("cpu0", "cpu1", "cpu2", "cpu3"));
    }

    @Test
    void hashStaysInKernfsRange() {
        for (String s : new String[] {"", "a", "ab", "a-very-long-name-with-many-bytes-0123456789", "é"}) {
            long h = KernfsOrder.hash(s);
            assertEquals(true, h >= 2 && h < 0x7fffffffL, s);
        }
    }
}
