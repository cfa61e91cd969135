// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.guestd.hyperv.uio.FileReceiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link FileReceiver} over {@link FcopyTarget}: the same target rules as the char-device
 * fcopy (one plain name, absolute directory without {@code ..}, under {@code fcopy-root} with
 * symlinks resolved, the file never a followed symlink), directories created 0755 only with
 * CREATE_PATH, files 0644 opened with O_TRUNC|O_NOFOLLOW, partial files removed on cancel, on a
 * failed write and on channel loss. (To move to the protocol-neutral files feature once it exists.)
 */
public final class FcopyFileReceiver implements FileReceiver {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.hyperv");

    private final FcopyTarget target;
    private FileChannel file;
    private Path filePath;
    private boolean strayWriteLogged;

    /** @param root the directory every file must land under ({@code /}: anywhere) */
    public FcopyFileReceiver(Path root) {
        this.target = new FcopyTarget(root);
    }

    @Override
    public Result start(String dir, String name, boolean overwrite, boolean createPath, long size) {
        drop("a new copy started");
        Path p;
        try {
            p = target.resolve(dir, name);
        } catch (IOException e) {
            LOG.warn("fcopy: refused: {}", e.getMessage());
            return Result.FAILED;
        }
        try {
            if (!Files.isDirectory(p.getParent())) {
                if (!createPath) {
                    LOG.warn("fcopy: directory {} does not exist and CREATE_PATH is not set", p.getParent());
                    return Result.FAILED;
                }
                Files.createDirectories(p.getParent(),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            }
            target.checkReal(p);
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !overwrite) {
                LOG.info("fcopy: {} exists and OVER_WRITE is not set", p);
                return Result.EXISTS;
            }
            file = FileChannel.open(p, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
            filePath = p;
            LOG.info("fcopy: receiving {} ({} bytes)", p, Long.toUnsignedString(size));
            return Result.OK;
        } catch (IOException | RuntimeException e) {
            LOG.warn("fcopy: cannot create {}: {}", p, e.toString());
            return Result.FAILED;
        }
    }

    @Override
    public Result write(long offset, ByteBuffer data) {
        if (file == null) {
            if (!strayWriteLogged) {
                strayWriteLogged = true;
                LOG.warn("fcopy: WRITE without a started copy (further ones at debug)");
            } else {
                LOG.debug("fcopy: WRITE without a started copy");
            }
            return Result.FAILED;
        }
        if (offset < 0) {
            LOG.warn("fcopy: WRITE at offset {} refused", Long.toUnsignedString(offset));
            return Result.FAILED;
        }
        try {
            long pos = offset;
            while (data.hasRemaining()) {
                pos += file.write(data, pos);
            }
            return Result.OK;
        } catch (IOException e) {
            String msg = String.valueOf(e.getMessage());
            LOG.warn("fcopy: write to {} failed: {}; the partial file is removed", filePath, msg);
            drop(null);
            return msg.contains("No space left") ? Result.NO_SPACE : Result.FAILED;
        }
    }

    @Override
    public Result complete() {
        if (file == null) {
            return Result.FAILED;
        }
        Path p = filePath;
        try {
            file.close();
            LOG.info("fcopy: completed {}", p);
            return Result.OK;
        } catch (IOException e) {
            LOG.warn("fcopy: closing {} failed: {}; removed", p, e.getMessage());
            remove(p);
            return Result.FAILED;
        } finally {
            file = null;
            filePath = null;
        }
    }

    @Override
    public Result cancel() {
        if (file != null) {
            LOG.info("fcopy: cancelled; removing the partial {}", filePath);
            drop(null);
        }
        return Result.OK;
    }

    @Override
    public boolean receiving() {
        return file != null;
    }

    @Override
    public void abort() {
        if (file != null) {
            LOG.warn("fcopy: channel lost during a copy; removing the partial {}", filePath);
            drop(null);
        }
    }

    /** Closes and removes an open partial file. */
    private void drop(String why) {
        if (file == null) {
            return;
        }
        if (why != null) {
            LOG.warn("fcopy: {} before {} was completed; removing it", why, filePath);
        }
        try {
            file.close();
        } catch (IOException e) {
            LOG.debug("fcopy: close {}: {}", filePath, e.toString());
        }
        remove(filePath);
        file = null;
        filePath = null;
    }

    private static void remove(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("fcopy: cannot remove {}: {}", p, e.getMessage());
        }
    }
}
