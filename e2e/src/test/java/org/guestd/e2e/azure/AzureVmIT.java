// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e.azure;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.guestd.e2e.VmImage;
import org.junit.jupiter.api.Test;

/**
 * Runs the Azure VM case ({@link AzureVmCase}) when this machine can: qemu-system-x86_64, xorriso and
 * python3 on PATH, and root (apt-get download). Nothing of it touches the machine itself: users,
 * host name, sshd and KVP pools change only inside the guest, and the guest's Azure endpoints are
 * the emulator on loopback behind QEMU's restricted user networks.
 */
class AzureVmIT {

    @Test
    void azureVm() throws Exception {
        assumeFalse(Boolean.getBoolean("guestd.e2e.skip"), "skipped: -Dguestd.e2e.skip=true");
        for (String tool : new String[] {"qemu-system-x86_64", "xorriso", "python3"}) {
            assumeTrue(onPath(tool), "skipped: " + tool + " is not installed (.ci/run installs qemu-system-x86 and xorriso)");
        }
        assumeTrue("root".equals(System.getProperty("user.name")), "skipped: the VM case needs root (apt-get download)");
        Path repo = Path.of(System.getProperty("guestd.repo", "..")).toAbsolutePath().normalize();
        Path out = repo.resolve("e2e/target/azure-vm");
        Files.createDirectories(out);
        VmImage image = VmImage.prepare(repo, out.resolve("prepare.log"));
        Path initrd = AzureImage.prepare(repo, out.resolve("prepare.log"));
        AzureVmCase.Result r = AzureVmCase.run(image, initrd, out, System.out);
        System.out.println(Files.readString(out.resolve("report.md")));
        assertTrue(r.passed(), "the Azure VM case failed; see " + out.resolve("report.md") + " and the console above");
    }

    private static boolean onPath(String tool) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }
}
