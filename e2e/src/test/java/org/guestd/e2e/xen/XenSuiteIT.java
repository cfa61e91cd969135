// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e.xen;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Runs the nested-Xen suite when this machine can: qemu-system-x86_64 on PATH and root (apt-get
 * download, the kernel modules' tree). Skipped with the reason otherwise, or with
 * {@code -Dguestd.e2e.skip=true} / {@code -Dguestd.e2e.xen.skip=true}.
 */
class XenSuiteIT {

    @Test
    void nestedXen() throws Exception {
        assumeFalse(Boolean.getBoolean("guestd.e2e.skip"), "skipped: -Dguestd.e2e.skip=true");
        assumeFalse(Boolean.getBoolean("guestd.e2e.xen.skip"), "skipped: -Dguestd.e2e.xen.skip=true");
        assumeTrue(onPath("qemu-system-x86_64"), "skipped: qemu-system-x86_64 is not installed (apt-get install "
                + "qemu-system-x86 cpio kmod python3; .ci/run does)");
        assumeTrue("root".equals(System.getProperty("user.name")), "skipped: the nested-Xen suite needs root (apt-get download)");
        Path repo = Path.of(System.getProperty("guestd.repo", "..")).toAbsolutePath().normalize();
        Path out = repo.resolve("e2e/target/xen-suite");
        Files.createDirectories(out);
        XenImage image = XenImage.prepare(repo, out.resolve("prepare.log"));
        boolean ok = XenSuite.run(image, out, System.out);
        assertTrue(ok, "the nested-Xen suite failed; see " + out.resolve("report.md") + " and the consoles above");
    }

    private static boolean onPath(String tool) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }
}
