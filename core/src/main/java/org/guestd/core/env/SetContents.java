// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.env;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * GLib's {@code g_file_set_contents} as qemu-ga uses it: a temporary file renamed over the old one,
 * so a reader sees the old contents or the new, never a part. Used by the features that rewrite a
 * small file the way qemu-ga does (the file-handle counter, {@code authorized_keys}).
 */
public final class SetContents {
    private SetContents() {}

    /**
     * Writes {@code text} (UTF-8) to {@code tmp}, then renames it over {@code file} (atomically
     * where the filesystem can); on failure {@code tmp} is removed as far as possible.
     *
     * @throws IOException the write or rename failure
     */
    public static void write(Path file, Path tmp, String text) throws IOException {
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort
            }
            throw e;
        }
    }
}
