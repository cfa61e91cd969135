// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.guestd.core.config.AgentConfig;
import org.guestd.core.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
    @TempDir
    Path tmp;

    private Settings resolve(Map<String, String> env, String... args) throws ConfigException {
        return Settings.resolve(CommandLine.parse(List.of(args)), env);
    }

    @Test
    void defaultsMatchQemuGaWithGuestdStateDir() throws Exception {
        Settings s = resolve(Map.of("GUESTD_CONF", ""), "-c", Files.writeString(tmp.resolve("empty.conf"), "").toString());
        assertEquals("virtio-serial", s.general().getString("method", null));
        assertEquals("/dev/virtio-ports/org.qemu.guest_agent.0", s.general().getString("path", null));
        assertEquals("/run/guestd", s.general().getString("statedir", null));
        assertFalse(s.channelExplicit());
    }

    /** qemu's tests/unit/test-qga.c /qga/config: QGA_CONF file and -D. */
    @Test
    void qemuTestSuiteConfigFileDumpsLikeQemuGa() throws Exception {
        Path conf = tmp.resolve("test-qga-config");
        Files.writeString(conf, "[general]\ndaemon=false\nmethod=virtio-serial\npath=/path/to/org.qemu.guest_agent.0\n"
                + "pidfile=/var/foo/qemu-ga.pid\nstatedir=/var/state\nverbose=true\nblock-rpcs=guest-ping;guest-get-time\n");
        Settings s = resolve(Map.of("QGA_CONF", conf.toString()), "-D");
        AgentConfig dumped = AgentConfig.parse(s.config().dump(), "dump");
        assertTrue(s.config().dump().startsWith("[general]\n"));
        assertEquals("false", dumped.general().getString("daemon", null));
        assertEquals("virtio-serial", dumped.general().getString("method", null));
        assertEquals("/path/to/org.qemu.guest_agent.0", dumped.general().getString("path", null));
        assertEquals("/var/foo/qemu-ga.pid", dumped.general().getString("pidfile", null));
        assertEquals("/var/state", dumped.general().getString("statedir", null));
        assertTrue(dumped.general().getBoolean("verbose", false));
        assertEquals(List.of("guest-ping", "guest-get-time"), dumped.general().getList("block-rpcs"));
        assertEquals("guest-ping;guest-get-time;", dumped.general().getString("block-rpcs", null));
        assertTrue(s.channelExplicit());
    }

    @Test
    void commandLineOverridesFileAndEnvironmentChoosesFile() throws Exception {
        Path conf = tmp.resolve("g.conf");
        Files.writeString(conf, "# comment\n[general]\nmethod=isa-serial\nstatedir=/a\n\n[qga]\nfoo=bar\n");
        Settings s = resolve(Map.of("GUESTD_CONF", conf.toString(), "QGA_CONF", "/nonexistent"),
                "-t", "/b", "--verbose");
        assertEquals("isa-serial", s.general().getString("method", null));
        assertEquals("/dev/ttyS0", s.general().getString("path", null));
        assertEquals("/b", s.general().getString("statedir", null));
        assertTrue(s.verbose());
        assertEquals("bar", s.config().section("qga").getString("foo", null));
    }

    @Test
    void explicitMissingConfigFileIsAnError() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> resolve(Map.of(), "-c", tmp.resolve("missing.conf").toString()));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void blockAndAllowTogetherIsRejectedWithQemuText() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> resolve(Map.of("GUESTD_CONF", "/dev/null"), "-b", "guest-ping", "-a", "guest-info"));
        assertEquals("wrong commandline, using --block-rpcs and --allow-rpcs at the same time is not allowed",
                e.getMessage());
    }

    @Test
    void unknownMethodIsAConfigError() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> resolve(Map.of("GUESTD_CONF", "/dev/null"), "-m", "bogus"));
        assertTrue(e.getMessage().contains("bogus") && e.getMessage().contains("virtio-serial"), e.getMessage());
    }

    @Test
    void testSeamsMoveTheHostRoots() throws Exception {
        Settings s = resolve(Map.of("GUESTD_CONF", "/dev/null"), "--proc-root", "/x/proc", "--run-root=/x/run");
        assertEquals(Path.of("/x/proc"), s.hostPaths().proc());
        assertEquals(Path.of("/x/run"), s.hostPaths().run());
        assertEquals(Path.of("/sys"), s.hostPaths().sys());
    }

    @Test
    void fallbackToUnixSocketInStateDirWhenNoChannelExists() throws Exception {
        Settings s = resolve(Map.of("GUESTD_CONF", "/dev/null"), "-t", tmp.toString());
        ChannelChoice c = ChannelChoice.choose(s, tmp.resolve("nodev"));
        assertTrue(c.fallback());
        assertEquals(tmp.resolve("qga.sock").toString(), c.path());
        assertEquals(4, c.probeReport().size());
        assertTrue(c.probeReport().get(0).endsWith("absent"), c.probeReport().get(0));
    }

    @Test
    void virtioPortIsUsedWhenPresent() throws Exception {
        Path dev = tmp.resolve("dev");
        Files.createDirectories(dev.resolve("virtio-ports"));
        Files.writeString(dev.resolve("virtio-ports/org.qemu.guest_agent.0"), "");
        Settings s = resolve(Map.of("GUESTD_CONF", "/dev/null"), "-t", tmp.toString());
        ChannelChoice c = ChannelChoice.choose(s, dev);
        assertFalse(c.fallback());
        assertEquals("/dev/virtio-ports/org.qemu.guest_agent.0", c.path());
    }
}
