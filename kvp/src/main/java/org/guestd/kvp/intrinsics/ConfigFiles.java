// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.intrinsics;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The SET_IP_INFO files: created 0600 (a NetworkManager keyfile may hold secrets, and NM ignores
 * one that others can read; upstream's are created under the daemon's umask), in full beside the
 * target, then renamed over it — {@code hv_set_ifconfig} never reads a half-written file, an older
 * file with wider permissions or a symlink in its place is replaced, not written through.
 */
final class ConfigFiles {
    private ConfigFiles() {}

    static void replace(Path target, String text) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(text.getBytes(UTF_8));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
