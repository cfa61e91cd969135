// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.intrinsics;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.guestd.core.AgentException;
import org.guestd.core.env.CommandTimeoutException;
import org.guestd.core.env.ProcessCommandRunner;
import org.guestd.core.testing.FakeCommandRunner;
import org.guestd.kvp.KvpIntrinsics.IpConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code hv_get_dns_info IFNAME} contract (hv_kvp_daemon since Linux 6.13): the helper is run
 * with the interface's name as its one argument, exec'd (argv, no shell), its output lines are the
 * DNS servers whatever its exit status; without the helper, resolv.conf's name servers.
 */
class DnsHelperTest {
    private static final String MAC = "00:15:5D:AA:BB:CC";

    @TempDir
    Path root;

    @Test
    void theHelperGetsTheInterfaceNameAsItsOnlyArgumentAndItsLinesAreTheServers() throws Exception {
        Path script = IntrinsicsFixture.script(root, "hv_get_dns_info", "#!/bin/sh\nexit 0\n");
        FakeCommandRunner runner = new FakeCommandRunner()
                .answer(List.of(script.toString(), "eth0"), 0, "192.0.2.53\n2001:db8::53\n");
        IpConfig c = IntrinsicsFixture.build(root, runner, LinuxKvpIntrinsics.SetIpMode.IFCFG).ipInfo(MAC).orElseThrow();
        assertEquals(List.of("192.0.2.53", "2001:db8::53"), c.dnsServers(), "the helper's servers, not resolv.conf's");
        assertEquals("192.0.2.53;2001:db8::53;", IpInfoText.dnsServers(c));
        assertEquals(List.of(List.of(script.toString(), "eth0")),
                runner.calls().stream().filter(a -> a.get(0).endsWith("hv_get_dns_info")).toList(),
                "argv is the script and the name: exec'd, never `sh -c`");
    }

    @Test
    void withoutTheHelperResolvConfAnswers() throws Exception {
        FakeCommandRunner runner = new FakeCommandRunner();
        IpConfig c = IntrinsicsFixture.build(root, runner, LinuxKvpIntrinsics.SetIpMode.IFCFG).ipInfo(MAC).orElseThrow();
        assertEquals(List.of("10.0.0.53", "fd00::53"), c.dnsServers());
        assertEquals(List.of(), runner.calls(), "nothing run");
    }

    @Test
    void aHelperThatIsNotExecutableIsNotRun() throws Exception {
        Path script = IntrinsicsFixture.script(root, "hv_get_dns_info", "#!/bin/sh\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
        FakeCommandRunner runner = new FakeCommandRunner();
        IpConfig c = IntrinsicsFixture.build(root, runner, LinuxKvpIntrinsics.SetIpMode.IFCFG).ipInfo(MAC).orElseThrow();
        assertEquals(List.of("10.0.0.53", "fd00::53"), c.dnsServers());
        assertEquals(List.of(), runner.calls());
    }

    @Test
    void outputCountsWhateverTheExitStatusAndAFailureToRunGivesNoServers() throws Exception {
        Path script = IntrinsicsFixture.script(root, "hv_get_dns_info", "#!/bin/sh\n");
        FakeCommandRunner failing = new FakeCommandRunner().answer(script.toString(), 3, "198.51.100.1\n");
        assertEquals(List.of("198.51.100.1"), IntrinsicsFixture.build(root, failing, LinuxKvpIntrinsics.SetIpMode.IFCFG)
                .ipInfo(MAC).orElseThrow().dnsServers(), "popen's output is read, its status ignored");
        FakeCommandRunner hung = new FakeCommandRunner().fail(script.toString(), new CommandTimeoutException("timed out"));
        assertEquals(List.of(), IntrinsicsFixture.build(root, hung, LinuxKvpIntrinsics.SetIpMode.IFCFG)
                .ipInfo(MAC).orElseThrow().dnsServers(), "no fallback to resolv.conf once a helper is installed");
        FakeCommandRunner broken = new FakeCommandRunner().fail(script.toString(), AgentException.generic("exec format error"));
        assertEquals(List.of(), IntrinsicsFixture.build(root, broken, LinuxKvpIntrinsics.SetIpMode.IFCFG)
                .ipInfo(MAC).orElseThrow().dnsServers());
    }

    @Test
    void aRealHelperIsExecutedWithTheNameLiterally() throws Exception {
        // prints its argument count, the argument, and how it was started: its parent is the JVM, not a shell
        IntrinsicsFixture.script(root, "hv_get_dns_info", "#!/bin/sh\necho \"$#\"\necho \"$1\"\ncat /proc/$PPID/comm\n");
        IpConfig c = IntrinsicsFixture.build(root, new ProcessCommandRunner(), LinuxKvpIntrinsics.SetIpMode.IFCFG)
                .ipInfo(MAC).orElseThrow();
        assertEquals("1", c.dnsServers().get(0));
        assertEquals("eth0", c.dnsServers().get(1));
        assertEquals(false, c.dnsServers().get(2).matches("(da|ba|)sh"), "parent " + c.dnsServers().get(2));
    }

    @Test
    void linesAreSplitAsTheDaemonsFgetsOf256Bytes() {
        assertEquals(List.of("a", "", "b"), NetFacts.helperLines("a\n\nb".getBytes(UTF_8)));
        assertEquals(List.of(), NetFacts.helperLines(new byte[0]));
        String l255 = "x".repeat(255);
        assertEquals(List.of(l255, ""), NetFacts.helperLines((l255 + "\n").getBytes(UTF_8)),
                "a 255-byte line fills one fgets; its newline is the next, empty, entry");
        assertEquals(List.of("y".repeat(254)), NetFacts.helperLines(("y".repeat(254) + "\n").getBytes(UTF_8)));
        assertEquals(List.of("z".repeat(255), "zz"), NetFacts.helperLines(("z".repeat(257) + "\n").getBytes(UTF_8)));
        assertEquals(List.of("10.0.0.1"), NetFacts.helperLines("10.0.0.1\0junk\n".getBytes(UTF_8)), "strcat stops at a NUL");
    }
}
