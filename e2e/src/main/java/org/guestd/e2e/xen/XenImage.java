// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e.xen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the nested-Xen suite boots, built (or found in the cache) by {@code e2e/xen/prepare.sh}.
 *
 * @param xen the Xen 4.17 hypervisor (multiboot ELF, QEMU's -kernel)
 * @param dom0Kernel the Debian bzImage, dom0's kernel (first multiboot module)
 * @param dom0Initrd dom0's initramfs, carrying the domU's kernel, initramfs and xl config
 * @param kernelRelease the kernel release of dom0 and the domU (uname -r)
 * @param guestdVersion the version of the guestd jars in the domU
 * @param osRelease the domU's /etc/os-release (its source in the tree)
 */
public record XenImage(Path xen, Path dom0Kernel, Path dom0Initrd, String kernelRelease, String guestdVersion,
        Path osRelease) {

    /** Runs prepare.sh for the tree at {@code repo}; its stderr goes to {@code log}. */
    public static XenImage prepare(Path repo, Path log) throws IOException {
        Path script = repo.resolve("e2e/xen/prepare.sh");
        Process p = new ProcessBuilder(List.of("bash", script.toString(), repo.toString()))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(20, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("prepare.sh took over 20 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("xen prepare.sh failed (exit " + p.exitValue() + "):\n" + Files.readString(log));
        }
        String[] lines = out.strip().split("\n");
        Map<String, String> kv = new HashMap<>();
        for (String word : lines[lines.length - 1].split(" ")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                kv.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        return new XenImage(Path.of(kv.get("XEN")), Path.of(kv.get("DOM0_KERNEL")), Path.of(kv.get("DOM0_INITRD")),
                kv.get("KVER"), kv.get("GUESTD_VERSION"), Path.of(kv.get("OS_RELEASE")));
    }
}
