// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e.azure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code e2e/azure/prepare-azure.sh} (after the VM suite's prepare.sh) and returns its initramfs. */
public final class AzureImage {
    private AzureImage() {}

    public static Path prepare(Path repo, Path log) throws IOException {
        Process p = new ProcessBuilder(List.of("bash", repo.resolve("e2e/azure/prepare-azure.sh").toString(), repo.toString()))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("prepare-azure.sh failed:\n" + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String[] lines = out.strip().split("\n");
        String last = lines[lines.length - 1];
        if (!last.startsWith("INITRD=")) {
            throw new IOException("prepare-azure.sh printed no INITRD: " + out);
        }
        return Path.of(last.substring("INITRD=".length()));
    }
}
