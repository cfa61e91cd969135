// SPDX-License-Identifier: Apache-2.0
package org.guestd.shutdown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.guestd.core.AgentException;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.testing.FakeCommandRunner;
import org.guestd.core.testing.FixtureTree;
import org.guestd.shutdown.PowerControl.SuspendMode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuspendTest {
    @TempDir
    Path tmp;

    private FixtureTree tree;
    private final FakeCommandRunner runner = new FakeCommandRunner();
    private final List<String> audit = new ArrayList<>();

    @BeforeEach
    void setUp() {
        tree = new FixtureTree(tmp);
    }

    private void suspend(SuspendMode mode) throws AgentException {
        PowerConfig c = new PowerConfig("systemctl", tmp.resolve("sbin"), null, Duration.ofSeconds(5),
                Duration.ofSeconds(60));
        new LinuxPowerControl(c, runner, tree.paths(), audit::add).suspend(mode, "qga");
    }

    private String sys(String rel) throws Exception {
        return Files.readString(tmp.resolve("sys").resolve(rel));
    }

    @Test
    void systemdWhenTheUnitExists() throws Exception {
        runner.answer(List.of("systemctl", "status", "systemd-suspend"), 3, "inactive");
        runner.answer(List.of("systemctl", "suspend"), 0, "");
        suspend(SuspendMode.RAM);
        assertEquals(List.of(List.of("systemctl", "status", "systemd-suspend"), List.of("systemctl", "suspend")),
                runner.calls());
        assertEquals("power requester=qga action=suspend-ram result=ok method=systemd hooks=none", audit.get(0));
    }

    @Test
    void systemdUnknownUnitFallsToPmUtils() throws Exception {
        runner.answer(List.of("systemctl", "status", "systemd-hibernate"), 4, "");
        runner.answer(List.of("pm-is-supported", "--hibernate"), 0, "");
        runner.answer(List.of("pm-hibernate"), 0, "");
        suspend(SuspendMode.DISK);
        assertEquals(List.of(List.of("systemctl", "status", "systemd-hibernate"),
                List.of("pm-is-supported", "--hibernate"), List.of("pm-hibernate")), runner.calls());
    }

    @Test
    void activeUnitStatusZeroIsNotSupportedAsInQemuGa() throws Exception {
        runner.answer(List.of("systemctl", "status", "systemd-hybrid-sleep"), 0, "");
        AgentException e = assertThrows(AgentException.class, () -> suspend(SuspendMode.HYBRID));
        assertEquals("the requested suspend mode is not supported by the guest", e.getMessage());
        assertEquals(List.of(List.of("systemctl", "status", "systemd-hybrid-sleep"),
                List.of("pm-is-supported", "--suspend-hybrid")), runner.calls());
    }

    @Test
    void sysfsMemAndDisk() throws Exception {
        tree.file("sys/power/state", "freeze mem disk\n");
        suspend(SuspendMode.RAM);
        assertEquals("mem", sys("power/state"));
        tree.file("sys/power/state", "freeze mem disk\n");
        suspend(SuspendMode.DISK);
        assertEquals("disk", sys("power/state"));
        assertEquals(List.of(List.of("systemctl", "status", "systemd-suspend"),
                List.of("pm-is-supported", "--suspend"),
                List.of("systemctl", "status", "systemd-hibernate"),
                List.of("pm-is-supported", "--hibernate")), runner.calls());
        assertEquals("power requester=qga action=suspend-disk result=ok method=sysfs hooks=none", audit.get(1));
    }

    @Test
    void sysfsWithoutTheModeIsNotSupported() {
        tree.file("sys/power/state", "freeze mem\n");
        AgentException e = assertThrows(AgentException.class, () -> suspend(SuspendMode.DISK));
        assertEquals("the requested suspend mode is not supported by the guest", e.getMessage());
        assertEquals("power requester=qga action=suspend-disk result=failed hooks=none "
                + "error=the requested suspend mode is not supported by the guest", audit.get(0));
    }

    @Test
    void nothingAtAllIsNotSupported() {
        AgentException e = assertThrows(AgentException.class, () -> suspend(SuspendMode.RAM));
        assertEquals("the requested suspend mode is not supported by the guest", e.getMessage());
    }

    @Test
    void hybridThroughPowerDiskRestoresTheSelection() throws Exception {
        tree.file("sys/power/state", "freeze mem disk\n");
        tree.file("sys/power/disk", "[platform] shutdown reboot suspend test_resume\n");
        suspend(SuspendMode.HYBRID);
        assertEquals("disk", sys("power/state"));
        assertEquals("platform", sys("power/disk"));
    }

    @Test
    void hybridWithoutSuspendInPowerDiskIsNotSupported() {
        tree.file("sys/power/state", "freeze mem disk\n");
        tree.file("sys/power/disk", "[platform] shutdown reboot\n");
        AgentException e = assertThrows(AgentException.class, () -> suspend(SuspendMode.HYBRID));
        assertEquals("the requested suspend mode is not supported by the guest", e.getMessage());
    }

    @Test
    void systemdHelperFailureTextWhenNothingElseWorks() {
        runner.answer(List.of("systemctl", "status", "systemd-suspend"), 3, "");
        runner.answer(List.of("systemctl", "suspend"), 1, "");
        AgentException e = assertThrows(AgentException.class, () -> suspend(SuspendMode.RAM));
        assertEquals("the helper program 'systemctl suspend' returned an unexpected exit status code (1)",
                e.getMessage());
    }

    @Test
    void pmUtilsHelperMissingText() {
        runner.answer(List.of("pm-is-supported", "--suspend"), 0, "");
        AgentException e = assertThrows(AgentException.class, () -> suspend(SuspendMode.RAM));
        assertEquals("the helper program 'pm-suspend' was not found", e.getMessage());
    }

    @Test
    void laterMethodWinsAfterAFailedOne() throws Exception {
        runner.answer(List.of("systemctl", "status", "systemd-suspend"), 3, "");
        runner.answer(List.of("systemctl", "suspend"), 1, "");
        tree.file("sys/power/state", "mem\n");
        suspend(SuspendMode.RAM);
        assertEquals("mem", sys("power/state"));
    }

    @Test
    void sysfsWriteFailureText() {
        tree.file("sys/power/state", "freeze mem disk\n");
        PowerConfig c = new PowerConfig("systemctl", tmp.resolve("sbin"), null, Duration.ofSeconds(5),
                Duration.ofSeconds(60));
        SuspendMethods refusing = new SuspendMethods(c, runner, tree.paths(), (f, v) -> {
            throw new IOException("Device or resource busy");
        });
        AgentException e = assertThrows(AgentException.class,
                () -> new LinuxPowerControl(c, runner, refusing, audit::add).suspend(SuspendMode.RAM, "qga"));
        assertEquals("child process has failed to suspend", e.getMessage());
    }

    @Test
    void selectedEntry() {
        assertEquals("platform", SuspendMethods.selected("[platform] shutdown"));
        assertEquals("suspend", SuspendMethods.selected("platform [suspend]"));
        assertNull(SuspendMethods.selected("platform shutdown"));
        assertNull(SuspendMethods.selected(null));
    }

    @Test
    void onlyTheConfiguredMethodsAreTried() throws Exception {
        tree.file("sys/power/state", "freeze mem disk\n");
        PowerConfig c = PowerConfig.from(new ConfigSection("shutdown",
                Map.of("suspend-methods", "pm-utils")));
        AgentException e = assertThrows(AgentException.class,
                () -> new LinuxPowerControl(c, runner, tree.paths(), audit::add).suspend(SuspendMode.RAM, "qga"));
        assertEquals("the requested suspend mode is not supported by the guest", e.getMessage());
        assertEquals(List.of(List.of("pm-is-supported", "--suspend")), runner.calls());
        assertEquals("freeze mem disk\n", sys("power/state"));
        PowerConfig none = PowerConfig.from(new ConfigSection("shutdown",
                Map.of("suspend-methods", "")));
        assertThrows(AgentException.class,
                () -> new LinuxPowerControl(none, runner, tree.paths(), audit::add).suspend(SuspendMode.RAM, "qga"));
        assertEquals(1, runner.calls().size());
        assertThrows(AgentException.class, () -> PowerConfig.from(new ConfigSection("shutdown",
                Map.of("suspend-methods", "acpi"))));
    }
}
