// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.guestd.core.json.JsonReader;
import org.guestd.core.testing.FakeClock;
import org.guestd.core.testing.FakeCommandRunner;
import org.guestd.core.testing.FixtureTree;
import org.guestd.core.config.ConfigSection;
import org.guestd.heartbeat.Heartbeat;
import org.guestd.heartbeat.HeartbeatTracker;
import org.guestd.memory.SysfsMemoryBlocks;
import org.guestd.memory.SysfsVcpuControl;
import org.guestd.qga.QgaFeatures;
import org.guestd.qga.QgaService;
import org.guestd.qga.dispatch.Dispatcher;
import org.guestd.qga.dispatch.Reply;
import org.guestd.qga.testing.FakeGuestInfo;
import org.guestd.shutdown.LinuxPowerControl;
import org.guestd.timesync.SystemTimeSync;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The QGA commands over the real feature services, started on a fixture tree with a fake clock
 * and a fake program runner: byte-exact replies, qemu-ga's errors, and nothing real touched.
 */
class ServiceCommandsTest {
    private static final String MEM = "sys/devices/system/memory/";

    @TempDir
    Path tmp;

    private FixtureTree tree;
    private Path sbin;
    private final FakeClock clock = new FakeClock(1_700_000_000_000_000_000L);
    private final FakeCommandRunner runner = new FakeCommandRunner();
    private Dispatcher withServices;
    private Dispatcher withoutServices;

    @BeforeEach
    void setUp() throws Exception {
        tree = new FixtureTree(tmp.resolve("root"));
        sbin = Files.createDirectories(tmp.resolve("sbin"));
        Path hwclock = sbin.resolve("hwclock");
        Files.writeString(hwclock, "#!/bin/sh\n");
        Files.setPosixFilePermissions(hwclock, PosixFilePermissions.fromString("rwxr-xr-x"));
        // one config map stands in for each feature's own section
        ConfigSection config = new ConfigSection("qga",
                Map.of("hwclock", hwclock.toString(), "sbin-dir", sbin.toString()));
        heartbeat = HeartbeatTracker.fromConfig(config, clock);
        QgaFeatures features = QgaFeatures.of(new FakeGuestInfo(), clock)
                .withHeartbeat(heartbeat)
                .withTime(SystemTimeSync.fromConfig(config, clock, runner))
                .withPower(LinuxPowerControl.fromConfig(config, runner, tree.paths()))
                .withMemory(new SysfsMemoryBlocks(tree.paths()), new SysfsVcpuControl(tree.paths()));
        withServices = QgaService.newDispatcher(features, "v", ConfigSection.empty("general"));
        withoutServices = QgaService.newDispatcher(QgaFeatures.of(new FakeGuestInfo(), clock), "v",
                ConfigSection.empty("general"));
    }

    private Heartbeat heartbeat;

    private static String run(Dispatcher d, String request) throws Exception {
        Reply r = d.dispatch(JsonReader.parse(request));
        return r == null ? null : new String(r.encode(), StandardCharsets.ISO_8859_1);
    }

    private String run(String request) throws Exception {
        return run(withServices, request);
    }

    private static String error(String desc) {
        return "{\"error\": {\"class\": \"GenericError\", \"desc\": \"" + desc + "\"}}\n";
    }

    private static final String UNSUPPORTED = error("this feature or command is not currently supported");

    @Test
    void memoryBlocksInQemuGasByteFormat() throws Exception {
        tree.file(MEM + "memory188/state", "online\n").file(MEM + "memory188/removable", "1\n");
        tree.file(MEM + "block_size_bytes", "8000000\n");
        assertEquals("{\"return\": [{\"online\": true, \"can-offline\": true, \"phys-index\": 188}]}\n",
                run("{\"execute\": \"guest-get-memory-blocks\"}"), "transcript 13's member order");
        assertEquals("{\"return\": {\"size\": 134217728}}\n", run("{\"execute\": \"guest-get-memory-block-info\"}"),
                "transcript 14");
    }

    @Test
    void setMemoryBlocksResultsAndErrorCodes() throws Exception {
        tree.file(MEM + "memory1/state", "online\n");
        String out = run("{\"execute\": \"guest-set-memory-blocks\", \"arguments\": {\"mem-blks\": ["
                + "{\"phys-index\": 1, \"online\": false, \"can-offline\": true}, {\"phys-index\": 9, \"online\": true}]}}");
        List<?> l = (List<?>) ((Map<?, ?>) JsonReader.parse(out.strip())).get("return");
        assertEquals(Map.of("phys-index", 1L, "response", "success"), l.get(0));
        assertEquals(Map.of("phys-index", 9L, "response", "not-found", "error-code", 2L), l.get(1));
        assertEquals("offline", Files.readString(tmp.resolve("root/" + MEM + "memory1/state")));
    }

    @Test
    void setMemoryBlocksArgumentChecks() throws Exception {
        assertEquals(error("Parameter 'mem-blks' is missing"), run("{\"execute\": \"guest-set-memory-blocks\"}"));
        assertEquals(error("Parameter 'mem-blks[0].online' is missing"), run("{\"execute\": \"guest-set-memory-blocks\", "
                + "\"arguments\": {\"mem-blks\": [{\"phys-index\": 1}]}}"));
    }

    @Test
    void setVcpus() throws Exception {
        tree.mkdirs("sys/devices/system/cpu/cpu0");
        tree.file("sys/devices/system/cpu/cpu1/online", "1\n");
        assertEquals("{\"return\": 1}\n", run("{\"execute\": \"guest-set-vcpus\", \"arguments\": {\"vcpus\": ["
                + "{\"logical-id\": 1, \"online\": false}, {\"logical-id\": 0, \"online\": false}]}}"));
        assertEquals(error("logical processor #0 can't be offlined"), run("{\"execute\": \"guest-set-vcpus\", "
                + "\"arguments\": {\"vcpus\": [{\"logical-id\": 0, \"online\": false}]}}"));
        assertEquals(error("Invalid parameter type for 'vcpus[0].online', expected: boolean"), run(
                "{\"execute\": \"guest-set-vcpus\", \"arguments\": {\"vcpus\": [{\"logical-id\": 0, \"online\": 1}]}}"));
    }

    @Test
    void setTimeWithAndWithoutTime() throws Exception {
        String hw = sbin.resolve("hwclock").toString();
        runner.answer(hw, 0, "");
        assertEquals("{\"return\": {}}\n",
                run("{\"execute\": \"guest-set-time\", \"arguments\": {\"time\": 1800000000000000000}}"));
        assertEquals(List.of(1_800_000_000_000_000_000L), clock.sets());
        assertEquals("{\"return\": {}}\n", run("{\"execute\": \"guest-set-time\"}"));
        assertEquals(List.of(List.of(hw, "-w"), List.of(hw, "-s")), runner.calls());
        assertEquals(error("Invalid time"),
                run("{\"execute\": \"guest-set-time\", \"arguments\": {\"time\": 4000000000000000000}}"));
        assertEquals(error("Invalid parameter type for 'time', expected: integer"),
                run("{\"execute\": \"guest-set-time\", \"arguments\": {\"time\": \"now\"}}"));
    }

    @Test
    void shutdownSendsNothingOnSuccess() throws Exception {
        runner.answer(List.of("systemctl", "poweroff"), 0, "");
        runner.answer(List.of("systemctl", "reboot"), 0, "");
        assertNull(run("{\"execute\": \"guest-shutdown\"}"));
        assertNull(run("{\"execute\": \"guest-shutdown\", \"arguments\": {\"mode\": \"reboot\"}}"));
        assertEquals(List.of(List.of("systemctl", "poweroff"), List.of("systemctl", "reboot")), runner.calls());
    }

    @Test
    void shutdownErrors() throws Exception {
        assertEquals(error("mode is invalid (valid values are: halt|powerdown|reboot"),
                run("{\"execute\": \"guest-shutdown\", \"arguments\": {\"mode\": \"sleep\"}}"));
        assertEquals(List.of(), runner.calls(), "a bad mode runs nothing");
        assertEquals("{\"id\": 3, \"error\": {\"class\": \"GenericError\", "
                + "\"desc\": \"child process has failed to shutdown\"}}\n",
                run("{\"execute\": \"guest-shutdown\", \"arguments\": {\"mode\": \"halt\"}, \"id\": 3}"));
    }

    @Test
    void suspendUnsupportedAndSuccess() throws Exception {
        assertEquals(error("the requested suspend mode is not supported by the guest"),
                run("{\"execute\": \"guest-suspend-disk\"}"));
        tree.file("sys/power/state", "freeze mem\n");
        assertNull(run("{\"execute\": \"guest-suspend-ram\"}"));
        assertEquals("mem", Files.readString(tmp.resolve("root/sys/power/state")));
        assertEquals(error("the requested suspend mode is not supported by the guest"),
                run("{\"execute\": \"guest-suspend-hybrid\"}"));
    }

    @Test
    void pingAndSyncRecordHostContact() throws Exception {
        assertEquals(0, heartbeat.liveness().contacts());
        run("{\"execute\": \"guest-ping\"}");
        run("{\"execute\": \"guest-sync\", \"arguments\": {\"id\": 5}}");
        run("{\"execute\": \"guest-sync-delimited\", \"arguments\": {\"id\": 6}}");
        run("{\"execute\": \"guest-get-time\"}");
        Heartbeat.Liveness l = heartbeat.liveness();
        assertEquals(3, l.contacts());
        assertEquals(Heartbeat.ContactKind.SYNC, l.last().kind());
        assertTrue(l.alive());
    }

    @Test
    void withoutTheServicesEverythingIsUnsupportedButPingWorks() throws Exception {
        for (String c : List.of("guest-suspend-disk", "guest-suspend-ram", "guest-suspend-hybrid", "guest-shutdown",
                "guest-set-time", "guest-get-memory-blocks", "guest-get-memory-block-info")) {
            assertEquals(UNSUPPORTED, run(withoutServices, "{\"execute\": \"" + c + "\"}"), c);
        }
        assertEquals(UNSUPPORTED, run(withoutServices,
                "{\"execute\": \"guest-set-vcpus\", \"arguments\": {\"vcpus\": []}}"));
        assertEquals(UNSUPPORTED, run(withoutServices,
                "{\"execute\": \"guest-set-memory-blocks\", \"arguments\": {\"mem-blks\": []}}"));
        assertEquals("{\"return\": {}}\n", run(withoutServices, "{\"execute\": \"guest-ping\"}"));
    }

    @Test
    void guestInfoListsThemWithSuccessResponse() throws Exception {
        String info = run("{\"execute\": \"guest-info\"}");
        assertTrue(info.contains("{\"enabled\": true, \"name\": \"guest-shutdown\", \"success-response\": false}"), info);
        assertTrue(info.contains("{\"enabled\": true, \"name\": \"guest-suspend-hybrid\", \"success-response\": false}"),
                info);
        assertTrue(info.contains("{\"enabled\": true, \"name\": \"guest-set-memory-blocks\", \"success-response\": true}"),
                info);
    }
}
