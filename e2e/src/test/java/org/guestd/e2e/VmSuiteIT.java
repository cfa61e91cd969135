// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs the VM suite (guestd, then Debian's qemu-ga as the reference, in the same image) when this
 * machine can: qemu-system-x86_64 on PATH and root (apt-get download, the kernel modules' tree).
 * Fails when guestd fails a case; the reference's failures and not-yet-implemented commands are
 * reported, not failed (see {@link Verdict}).
 */
class VmSuiteIT {

    @Test
    void vmSuite() throws Exception {
        assumeFalse(Boolean.getBoolean("guestd.e2e.skip"), "skipped: -Dguestd.e2e.skip=true");
        assumeTrue(onPath("qemu-system-x86_64"), "skipped: qemu-system-x86_64 is not installed (apt-get install "
                + "qemu-system-x86 busybox-static cpio kmod xfsprogs; .ci/run does)");
        assumeTrue("root".equals(System.getProperty("user.name")), "skipped: the VM suite needs root (apt-get download)");
        Path repo = Path.of(System.getProperty("guestd.repo", "..")).toAbsolutePath().normalize();
        Path out = repo.resolve("e2e/target/vm-suite");
        Files.createDirectories(out);
        List<Agent> agents = Arrays.stream(System.getProperty("guestd.e2e.agents", "guestd,qemu-ga").split(","))
                .map(String::strip).map(Agent::of).toList();
        VmImage image = VmImage.prepare(repo, out.resolve("prepare.log"));
        boolean ok = VmSuite.runAll(image, agents, null, out, System.out);
        assertTrue(ok, "guestd failed VM cases; see " + out.resolve("report.md") + " and the console output above");
    }

    private static boolean onPath(String tool) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }
}
