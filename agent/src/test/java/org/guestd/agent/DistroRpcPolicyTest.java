// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.guestd.core.config.ConfigException;
import org.guestd.core.env.Clock;
import org.guestd.qga.QgaFeatures;
import org.guestd.qga.QgaService;
import org.guestd.qga.dispatch.CommandRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The distributions' qemu-ga RPC policy files, honoured when guestd's own config sets none. */
class DistroRpcPolicyTest {
    /** RHEL/Rocky el9+: everything except guest-exec, guest-exec-status and the guest-file-* commands. */
    static final Set<String> EL9_DENIED = Set.of("guest-exec", "guest-exec-status", "guest-file-open",
            "guest-file-close", "guest-file-read", "guest-file-write", "guest-file-seek", "guest-file-flush");

    @TempDir
    Path tmp;

    private Path etc() {
        return tmp.resolve("etc");
    }

    private void file(String rel, String text) throws Exception {
        Path p = etc().resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private Settings resolve(String... extra) throws ConfigException {
        List<String> args = new ArrayList<>(List.of("--etc-root", etc().toString()));
        args.addAll(List.of(extra));
        return Settings.resolve(CommandLine.parse(args), Map.of());
    }

    private static Set<String> enabled(Settings s) throws Exception {
        CommandRegistry reg = QgaService.newRegistry(QgaFeatures.of(null, Clock.SYSTEM), "v", s.general());
        Set<String> out = new TreeSet<>();
        for (String name : QgaService.commandNames()) {
            if (reg.isEnabled(name)) {
                out.add(name);
            }
        }
        return out;
    }

    /** The commands enabled with no policy at all (some are off for want of a feature, as in qemu-ga). */
    private Set<String> enabledWithoutPolicy() throws Exception {
        return enabled(resolve());
    }

    @Test
    void el9AllowListFromSysconfigGivesTheExpectedEnabledSet() throws Exception {
        Set<String> unrestricted = enabledWithoutPolicy();
        List<String> allow = new ArrayList<>(QgaService.commandNames());
        allow.removeAll(EL9_DENIED);
        allow.removeIf(n -> n.startsWith("__")); // guestd's own extension is not in a qemu-ga policy
        assertEquals(36, allow.size(), "the el9 default allow list names 36 commands");
        file("sysconfig/qemu-ga", "# This is a systemd environment file, not a shell script.\n"
                + "# FILTER_RPC_ARGS=\"--block-rpcs=guest-exec\"\n"
                + "FILTER_RPC_ARGS=\"--allow-rpcs=" + String.join(",", allow) + "\"\n"
                + "FSFREEZE_HOOK_PATHNAME=/etc/qemu-ga/fsfreeze-hook\n");
        Settings s = resolve();
        Set<String> expected = new TreeSet<>(unrestricted);
        expected.removeAll(EL9_DENIED);
        expected.removeIf(n -> n.startsWith("__"));
        assertEquals(expected, enabled(s));
        assertFalse(enabled(s).contains("guest-exec"));
        assertTrue(enabled(s).contains("guest-get-osinfo"));
        assertEquals(List.of(etc().resolve("sysconfig/qemu-ga") + " FILTER_RPC_ARGS"), s.policyOrigins());
        assertTrue(s.dump().startsWith("# rpc policy from: " + etc().resolve("sysconfig/qemu-ga") + " FILTER_RPC_ARGS\n"
                + "[general]\n"), s.dump());
    }

    @Test
    void el8BlacklistAndQemuGaConfBlockListsAccumulate() throws Exception {
        file("sysconfig/qemu-ga", "BLACKLIST_RPC=guest-file-open,guest-file-close,guest-exec\n");
        file("qemu/qemu-ga.conf", "[general]\nmethod=isa-serial\nblock-rpcs=guest-get-users;guest-exec\n");
        Settings s = resolve();
        assertEquals(List.of("guest-file-open", "guest-file-close", "guest-exec", "guest-get-users"),
                s.general().getList("block-rpcs"));
        assertEquals("virtio-serial", s.general().getString("method", null), "qemu-ga.conf's other keys are not ours");
        Set<String> e = enabled(s);
        for (String off : List.of("guest-file-open", "guest-file-close", "guest-exec", "guest-get-users")) {
            assertFalse(e.contains(off), off);
        }
        assertTrue(e.contains("guest-file-read"));
        assertEquals(2, s.policyOrigins().size());
    }

    @Test
    void guestdsOwnPolicyWinsAndTheCommandLineToo() throws Exception {
        file("sysconfig/qemu-ga", "FILTER_RPC_ARGS=\"--allow-rpcs=guest-ping\"\n");
        Path own = Files.writeString(tmp.resolve("guestd.conf"), "[general]\nblock-rpcs=guest-exec\n");
        Settings s = resolve("-c", own.toString());
        assertEquals(List.of("guest-exec"), s.general().getList("block-rpcs"));
        assertTrue(s.general().getList("allow-rpcs").isEmpty());
        assertEquals(List.of("config file " + own), s.policyOrigins());
        Settings cli = resolve("-b", "guest-ping");
        assertEquals(List.of("guest-ping"), cli.general().getList("block-rpcs"));
        assertEquals(List.of("the command line"), cli.policyOrigins());
    }

    @Test
    void argumentSpellingsOfFilterRpcArgs() {
        List<String> blocked = new ArrayList<>();
        List<String> allowed = new ArrayList<>();
        DistroRpcPolicy.parseArgs("-v --block-rpcs=a,b -b c --blacklist d,e -bf --allow-rpcs x", blocked, allowed);
        assertEquals(List.of("a", "b", "c", "d", "e", "f"), blocked);
        assertEquals(List.of("x"), allowed);
        assertEquals(Map.of("A", "1", "B", "two words", "C", "x"),
                DistroRpcPolicy.shellVariables("A=1\n# B=no\nB=\"two words\"\nexport C='x'\nnot a line\n"));
    }

    @Test
    void aBlockAndAnAllowListTogetherAreRefusedAsQemuGaWould() throws Exception {
        file("sysconfig/qemu-ga", "FILTER_RPC_ARGS=\"--allow-rpcs=guest-ping\"\n");
        file("qemu/qemu-ga.conf", "[general]\nblock-rpcs=guest-exec\n");
        ConfigException e = assertThrows(ConfigException.class, this::resolve);
        assertTrue(e.getMessage().startsWith(QgaService.BOTH_LISTS_MESSAGE), e.getMessage());
    }

    @Test
    void noFilesOrEmptyValuesMeanNoPolicy() throws Exception {
        assertTrue(resolve().policyOrigins().isEmpty());
        file("sysconfig/qemu-ga", "FILTER_RPC_ARGS=\nBLACKLIST_RPC=\n");
        Settings s = resolve();
        assertTrue(s.policyOrigins().isEmpty());
        assertFalse(s.dump().startsWith("#"));
    }

    @Test
    void aMissingConfigNamedByTheEnvironmentIsIgnoredWithAWarningButMinusCIsAnError() throws Exception {
        Path missing = tmp.resolve("absent.conf");
        for (String var : List.of("QGA_CONF", "GUESTD_CONF")) {
            Settings s = Settings.resolve(CommandLine.parse(List.of("--etc-root", etc().toString())),
                    Map.of(var, missing.toString()));
            assertEquals(List.of("config file " + missing + " (from $" + var + ") does not exist; ignored"),
                    s.warnings());
        }
        ConfigException e = assertThrows(ConfigException.class, () -> resolve("-c", missing.toString()));
        assertEquals("config file " + missing + " does not exist", e.getMessage());
    }
}
