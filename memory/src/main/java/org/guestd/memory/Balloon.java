// SPDX-License-Identifier: Apache-2.0
package org.guestd.memory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The balloon's size as its driver reports it in debugfs: virtio-balloon's
 * {@code /sys/kernel/debug/virtio-balloon} ({@code inflated_pages}, 4 KiB virtio pages) or
 * hv_balloon's {@code /sys/kernel/debug/hv-balloon} ({@code pages_ballooned}, 4 KiB Hyper-V
 * pages). Unknown (-1) when debugfs is not mounted, not readable or neither driver is there.
 */
final class Balloon {
    static final long VIRTIO_PAGE = 4096;
    static final long HYPERV_PAGE = 4096;

    private final Path virtio;
    private final Path hyperv;

    Balloon(Path sysRoot) {
        this.virtio = sysRoot.resolve("kernel/debug/virtio-balloon");
        this.hyperv = sysRoot.resolve("kernel/debug/hv-balloon");
    }

    /** Bytes held by the balloon, or -1 when unknown. */
    long bytes() {
        long v = field(virtio, "inflated_pages");
        if (v >= 0) {
            return v * VIRTIO_PAGE;
        }
        long h = field(hyperv, "pages_ballooned");
        return h >= 0 ? h * HYPERV_PAGE : -1;
    }

    /** The number after {@code name} ("name: N" or "name N"), or -1. */
    static long field(Path file, String name) {
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
        } catch (IOException | SecurityException e) {
            return -1;
        }
        return parse(text, name);
    }

    static long parse(String text, String name) {
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (!l.startsWith(name)) {
                continue;
            }
            String rest = l.substring(name.length()).replace(":", " ").strip();
            String first = rest.split("\\s+")[0];
            try {
                return Long.parseLong(first);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }
}
