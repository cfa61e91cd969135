// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The boot artifacts, built (or found in the cache) by {@code e2e/vm/prepare.sh}: kernel, the
 * initramfs holding both agents, and the test disk.
 *
 * @param kernel  ELF vmlinux booted through QEMU's PVH entry
 * @param initrd  initramfs (busybox, modules, jlink'd runtime + guestd, qemu-ga)
 * @param disk    raw disk image with an ext4 and an xfs partition (booted with snapshot=on)
 * @param kernelRelease the guest kernel's release (uname -r)
 * @param qemuGaPackage the Debian qemu-guest-agent package file used as the reference
 */
public record VmImage(Path kernel, Path initrd, Path disk, String kernelRelease, String qemuGaPackage) {

    /** Runs prepare.sh for the source tree at {@code repo}; its stderr goes to {@code log}. */
    public static VmImage prepare(Path repo, Path log) throws IOException {
        Path script = repo.resolve("e2e/vm/prepare.sh");
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
            throw new IOException("prepare.sh failed (exit " + p.exitValue() + "):\n" + Files.readString(log));
        }
        String[] lines = out.strip().split("\n");
        Map<String, String> kv = new HashMap<>();
        for (String word : lines[lines.length - 1].split(" ")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                kv.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        return new VmImage(Path.of(kv.get("KERNEL")), Path.of(kv.get("INITRD")), Path.of(kv.get("DISK")),
                kv.get("KVER"), kv.get("QGA_DEB"));
    }
}
