// SPDX-License-Identifier: Apache-2.0
package org.guestd.freeze;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.guestd.core.AgentException;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.env.ProcessCommandRunner;
import org.guestd.core.testing.FixtureTree;
import org.guestd.core.testing.FakeClock;
import org.guestd.core.testing.TestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the freeze service tests share: a fixture mount table ({@link #MOUNTINFO}), the fake ioctl
 * layer, a hook directory and a state directory in a temporary tree, and the service started on
 * them ({@link #start}, or {@link #start2} with the boot id and a clock of the test's own).
 */
abstract class FreezeFixture {
    static final String MOUNTINFO = String.join("\n",
            "21 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw",
            "22 21 0:5 / /proc rw - proc proc rw",
            "24 21 8:2 / /home rw - xfs /dev/sda2 rw",
            "25 24 8:3 / /home/data rw - ext4 /dev/sda3 rw",
            "26 21 8:2 /sub /srv/bind rw - xfs /dev/sda2 rw",
            "27 21 8:4 / /var rw - ext4 /dev/sda4 rw", "");
    static final List<String> ORDER = List.of("/var", "/home/data", "/home", "/");

    @TempDir
    Path tmp;
    Path state;
    Path hooks;
    Path hookLog;
    FakeFsOps ops = new FakeFsOps();
    FreezeService service;
    TestContext ctx;
    final List<String> gate = new ArrayList<>();
    /** What {@link FsFreezer#frozen} said each time the listener was told. */
    final List<Optional<FsFreezer.Frozen>> seen = new ArrayList<>();
    FakeClock clock = new FakeClock(0);
    final Map<String, String> config = new HashMap<>();
    final Map<String, String> general = new HashMap<>();

    @BeforeEach
    void setUp() throws IOException {
        state = Files.createDirectories(tmp.resolve("state"));
        hooks = Files.createDirectories(tmp.resolve("hooks"));
        hookLog = tmp.resolve("hooks.log");
        config.put("hook-dir", hooks.toString());
        general.put("statedir", state.toString());
    }

    @AfterEach
    void tearDown() {
        if (service != null) {
            service.stop();
        }
    }

    FsFreezer start() throws AgentException {
        FixtureTree t = new FixtureTree(tmp.resolve("root")).file("proc/self/mountinfo", MOUNTINFO);
        ctx = new TestContext("freeze");
        service = new FreezeService(new ConfigSection("freeze", config), new ConfigSection("general", general),
                t.paths(), clock, new ProcessCommandRunner(), ops).addListener(new FreezeListener() {
            @Override
            public void beforeFreeze() {
                gate.add("hold");
                seen.add(service.freezer().frozen());
            }

            @Override
            public void afterThaw() {
                gate.add("release");
                seen.add(service.freezer().frozen());
            }
        });
        service.start(ctx);
        return service.freezer();
    }

    void hook(String name, String body) throws IOException {
        Path p = hooks.resolve(name);
        Files.writeString(p, "#!/bin/sh\necho \"" + name + " $1\" >> " + hookLog + "\n" + body + "\n");
        assertTrue(p.toFile().setExecutable(true));
    }

    List<String> hookRuns() throws IOException {
        return Files.exists(hookLog) ? Files.readAllLines(hookLog) : List.of();
    }

    Path marker() {
        return state.resolve(FrozenMarker.NAME);
    }

    FsFreezer start2(CountDownLatch released) throws AgentException {
        return start2(released, new FakeClock(0));
    }

    FsFreezer start2(CountDownLatch released, FakeClock clock) throws AgentException {
        FixtureTree t = new FixtureTree(tmp.resolve("root")).file("proc/self/mountinfo", MOUNTINFO)
                .file("proc/sys/kernel/random/boot_id", BOOT + "\n");
        ctx = new TestContext("freeze");
        service = new FreezeService(new ConfigSection("freeze", config), new ConfigSection("general", general),
                t.paths(), clock, new ProcessCommandRunner(), ops).addListener(new FreezeListener() {
            @Override
            public void beforeFreeze() {}

            @Override
            public void afterThaw() {
                released.countDown();
            }
        });
        service.start(ctx);
        return service.freezer();
    }

    static final String BOOT = "6f1c5a64-3a3e-4d0e-9a0b-1d2c3e4f5a6b";

    /** A FakeClock whose monotonic time is {@code nanos}. */
    static FakeClock clockAt(long nanos) {
        FakeClock c = new FakeClock(0);
        c.advance(nanos);
        return c;
    }
}
