// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.guestd.core.AgentException;
import org.guestd.core.testing.FixtureTree;
import org.guestd.guestinfo.GuestInfo.Vcpu;
import org.guestd.guestinfo.util.SysfsTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VcpuCollectorTest {
    @TempDir
    Path dir;

    private FixtureTree cpuDir() {
        FixtureTree t = new FixtureTree(dir);
        t.file("sys/devices/system/cpu/online", "0-1\n");
        t.file("sys/devices/system/cpu/possible", "0-3\n");
        t.file("sys/devices/system/cpu/kernel_max", "8191\n");
        t.mkdirs("sys/devices/system/cpu/cpufreq");
        t.mkdirs("sys/devices/system/cpu/cpuidle");
        t.mkdirs("sys/devices/system/cpu/cpu0"); // boot CPU: no online file
        return t;
    }

    private List<Vcpu> collect(FixtureTree t) throws AgentException {
        return new VcpuCollector(new SysfsTree(t.paths().sys())).collect();
    }

    @Test
    void transcript17OrderCpu1ThenCpu0() throws AgentException {
        FixtureTree t = cpuDir().file("sys/devices/system/cpu/cpu1/online", "1\n");
        assertEquals(List.of(new Vcpu(1, true, true), new Vcpu(0, true, false)), collect(t));
    }

    @Test
    void offlineCpuAndSysfsOrderOfFour() throws AgentException {
        FixtureTree t = cpuDir()
                .file("sys/devices/system/cpu/cpu1/online", "1\n")
                .file("sys/devices/system/cpu/cpu2/online", "0\n")
                .file("sys/devices/system/cpu/cpu3/online", "1\n");
        assertEquals(List.of(new Vcpu(3, true, true), new Vcpu(1, true, true), new Vcpu(2, false, true),
                new Vcpu(0, true, false)), collect(t));
    }

    @Test
    void qemuErrors() {
        FixtureTree t = new FixtureTree(dir);
        AgentException e = assertThrows(AgentException.class, () -> collect(t));
        assertEquals("failed to list entries: /sys/devices/system/cpu: No such file or directory", e.getMessage());
        cpuDir().file("sys/devices/system/cpu/cpu1/online", "");
        e = assertThrows(AgentException.class, () -> collect(t));
        assertEquals("pread(\"/sys/devices/system/cpu/cpu1//online\"): unexpected EOF", e.getMessage());
    }

    @Test
    void sscanfCpuNames() {
        assertEquals(12L, VcpuCollector.cpuId("cpu12"));
        assertEquals(7L, VcpuCollector.cpuId("cpu7x"));
        assertNull(VcpuCollector.cpuId("cpufreq"));
        assertNull(VcpuCollector.cpuId("cpu"));
        assertNull(VcpuCollector.cpuId("online"));
    }
}
