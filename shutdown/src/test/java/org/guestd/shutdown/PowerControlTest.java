// SPDX-License-Identifier: Apache-2.0
package org.guestd.shutdown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.guestd.core.AgentException;
import org.guestd.core.testing.FakeCommandRunner;
import org.guestd.core.testing.FixtureTree;
import org.guestd.core.config.ConfigSection;
import org.guestd.shutdown.PowerControl.PowerAction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PowerControlTest {
    @TempDir
    Path tmp;

    private FixtureTree tree;
    private Path sbin;
    private final FakeCommandRunner runner = new FakeCommandRunner();
    private final List<String> audit = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        tree = new FixtureTree(tmp.resolve("root"));
        sbin = Files.createDirectories(tmp.resolve("sbin"));
    }

    private PowerControl control(Path hookDir) {
        PowerConfig c = new PowerConfig("systemctl", sbin, hookDir, Duration.ofSeconds(5), Duration.ofSeconds(60));
        return new LinuxPowerControl(c, runner, tree.paths(), audit::add);
    }

    private static void executable(Path p) throws Exception {
        Files.writeString(p, "#!/bin/sh\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private String shutdownPath() {
        return sbin.resolve("shutdown").toString();
    }

    @Test
    void systemctlFirst() throws Exception {
        runner.answer(List.of("systemctl", "poweroff"), 0, "");
        control(null).shutdown(PowerAction.POWERDOWN, "qga");
        assertEquals(List.of(List.of("systemctl", "poweroff")), runner.calls());
        assertEquals(List.of("power requester=qga action=powerdown result=ok method=systemctl hooks=none"), audit);
    }

    @Test
    void everyModeHasItsVerbAndFlag() throws Exception {
        runner.answer(shutdownPath(), 0, "");
        control(null).shutdown(PowerAction.HALT, "qga");
        control(null).shutdown(PowerAction.REBOOT, "hyperv");
        assertEquals(List.of(
                List.of("systemctl", "halt"),
                List.of(shutdownPath(), "-h", "-H", "+0", "hypervisor initiated shutdown"),
                List.of("systemctl", "reboot"),
                List.of(shutdownPath(), "-h", "-r", "+0", "hypervisor initiated shutdown")), runner.calls());
        assertEquals("power requester=hyperv action=reboot result=ok method=shutdown hooks=none", audit.get(1));
    }

    @Test
    void withoutSystemdQemuGaShutdownCommandLine() throws Exception {
        // systemctl present but systemd is not PID 1: exit 1, then qemu-ga 7.2's exact argv
        runner.answer(List.of("systemctl", "poweroff"), 1, "");
        runner.answer(shutdownPath(), 0, "");
        control(null).shutdown(PowerAction.POWERDOWN, "qga");
        assertEquals(List.of(List.of("systemctl", "poweroff"),
                List.of(shutdownPath(), "-h", "-P", "+0", "hypervisor initiated shutdown")), runner.calls());
    }

    @Test
    void busyboxUsesTheSingleProgram() throws Exception {
        executable(sbin.resolve("poweroff"));
        runner.answer(sbin.resolve("poweroff").toString(), 0, "");
        control(null).shutdown(PowerAction.POWERDOWN, "qga");
        assertEquals(List.of(List.of("systemctl", "poweroff"), List.of(sbin.resolve("poweroff").toString())),
                runner.calls(), "systemctl missing → /sbin/poweroff alone, as qemu-ga's busybox fix");
        assertTrue(audit.get(0).contains("method=poweroff"), audit.get(0));
    }

    @Test
    void failureIsQemuGasText() {
        runner.answer(shutdownPath(), 1, "");
        AgentException e = assertThrows(AgentException.class, () -> control(null).shutdown(PowerAction.HALT, "qga"));
        assertEquals("child process has failed to shutdown", e.getMessage());
        assertEquals("power requester=qga action=halt result=failed hooks=none "
                + "error=child process has failed to shutdown", audit.get(0));
    }

    @Test
    void nothingRunnableIsQemuGasText() {
        AgentException e = assertThrows(AgentException.class,
                () -> control(null).shutdown(PowerAction.POWERDOWN, "qga"));
        assertEquals("child process has failed to shutdown", e.getMessage());
        assertEquals(2, runner.calls().size());
    }

    @Test
    void disabledSystemctlGoesStraightToShutdown() throws Exception {
        runner.answer(shutdownPath(), 0, "");
        PowerConfig c = new PowerConfig("", sbin, null, Duration.ofSeconds(5), Duration.ofSeconds(60));
        new LinuxPowerControl(c, runner, tree.paths(), audit::add).shutdown(PowerAction.REBOOT, "qga");
        assertEquals(List.of(List.of(shutdownPath(), "-h", "-r", "+0", "hypervisor initiated shutdown")),
                runner.calls());
    }

    @Test
    void hooksRunInNameOrderWithTheActionAndFailuresDoNotBlock() throws Exception {
        Path hooks = Files.createDirectories(tmp.resolve("hooks"));
        executable(hooks.resolve("20-second"));
        executable(hooks.resolve("10-first"));
        executable(hooks.resolve(".hidden"));
        Files.writeString(hooks.resolve("30-not-executable"), "x");
        Files.createDirectories(hooks.resolve("40-dir"));
        runner.answer(hooks.resolve("10-first").toString(), 3, "");
        runner.answer(hooks.resolve("20-second").toString(), 0, "");
        runner.answer(List.of("systemctl", "reboot"), 0, "");
        control(hooks).shutdown(PowerAction.REBOOT, "qga");
        assertEquals(List.of(List.of(hooks.resolve("10-first").toString(), "reboot"),
                List.of(hooks.resolve("20-second").toString(), "reboot"),
                List.of("systemctl", "reboot")), runner.calls());
        assertEquals("power requester=qga action=reboot result=ok method=systemctl hooks=1 ok, 1 failed", audit.get(0));
    }

    @Test
    void missingHookDirectoryIsNoHooks() throws Exception {
        runner.answer(List.of("systemctl", "poweroff"), 0, "");
        control(tmp.resolve("absent")).shutdown(PowerAction.POWERDOWN, "qga");
        assertEquals(1, runner.calls().size());
    }

    @Test
    void builtFromItsSection() throws Exception {
        runner.answer(List.of("/usr/bin/systemctl", "halt"), 0, "");
        PowerControl pc = LinuxPowerControl.fromConfig(new ConfigSection("shutdown",
                Map.of("systemctl", "/usr/bin/systemctl", "sbin-dir", sbin.toString(),
                        "hook-timeout", "2s", "command-timeout", "10")), runner, tree.paths());
        pc.shutdown(PowerAction.HALT, "test");
        assertEquals(List.of(List.of("/usr/bin/systemctl", "halt")), runner.calls());
        assertThrows(AgentException.class, () -> LinuxPowerControl.fromConfig(
                new ConfigSection("shutdown", Map.of("hook-timeout", "0")), runner, tree.paths()));
    }
}
