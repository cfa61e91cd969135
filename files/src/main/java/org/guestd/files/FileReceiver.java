// SPDX-License-Identifier: Apache-2.0
package org.guestd.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives whole files a host pushes into the guest (Hyper-V's file copy, over the hv_fcopy char
 * device or the VMBus ring): {@link #start} checks and creates the target, {@link Incoming#write}
 * puts each fragment at its offset, {@link Incoming#complete} keeps the file, {@link
 * Incoming#cancel} removes the partial file.
 *
 * <p>Target rules ({@link TargetPath}): the name is one plain component; the directory absolute,
 * without {@code ..}, under the root with symlinks resolved; the file never a followed symlink and
 * never anything but a regular file. A missing directory is created (0755) only when asked; an
 * existing file is replaced (truncated) only when asked. New files are 0644 (hv_fcopy_daemon: 0744).
 * Thread-safe: receptions are independent of each other.
 */
public final class FileReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(FileReceiver.class);

    private final TargetPath target;

    /** @param root every received file must land under this directory ({@code /}: anywhere) */
    public FileReceiver(Path root) {
        this.target = new TargetPath(root);
    }

    /** The directory every received file lands under. */
    public Path root() {
        return target.root();
    }

    /**
     * Starts receiving {@code dir}/{@code name}: checks the target, creates the directory when
     * {@code createPath}, and creates or (with {@code overwrite}) truncates the file.
     *
     * @throws ReceiveException REFUSED, NO_DIRECTORY, EXISTS or IO
     */
    public Incoming start(String dir, String name, boolean overwrite, boolean createPath) throws ReceiveException {
        Path p;
        try {
            p = target.resolve(dir, name);
        } catch (IOException e) {
            throw new ReceiveException(ReceiveException.Reason.REFUSED, "refused: " + e.getMessage(), e);
        }
        try {
            if (!Files.isDirectory(p.getParent())) {
                if (!createPath) {
                    throw new ReceiveException(ReceiveException.Reason.NO_DIRECTORY,
                            "directory " + p.getParent() + " does not exist and creating it was not asked for", null);
                }
                Files.createDirectories(p.getParent(),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            }
            try {
                target.checkReal(p);
            } catch (IOException e) {
                throw new ReceiveException(ReceiveException.Reason.REFUSED, "refused: " + e.getMessage(), e);
            }
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !overwrite) {
                throw new ReceiveException(ReceiveException.Reason.EXISTS,
                        p + " exists and overwriting it was not asked for", null);
            }
            FileChannel ch = FileChannel.open(p, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
            return new Incoming(p, ch);
        } catch (IOException | RuntimeException e) {
            throw new ReceiveException(ReceiveException.Reason.IO, "cannot create " + p + ": " + e, e);
        }
    }

    /** One file being received. Not thread-safe: one protocol session drives it. */
    public static final class Incoming {
        private final Path path;
        private FileChannel file;

        Incoming(Path path, FileChannel file) {
            this.path = path;
            this.file = file;
        }

        /** The file being written. */
        public Path path() {
            return path;
        }

        /**
         * Writes {@code data} (position to limit) at {@code offset}. A failed write leaves the
         * reception open (the host decides: it cancels, or tries again).
         *
         * @throws ReceiveException DISK_FULL, or IO (also once completed or cancelled)
         */
        public void write(long offset, ByteBuffer data) throws ReceiveException {
            if (file == null) {
                throw new ReceiveException(ReceiveException.Reason.IO, path + " is no longer being received", null);
            }
            try {
                long pos = offset;
                while (data.hasRemaining()) {
                    pos += file.write(data, pos);
                }
            } catch (IOException e) {
                String msg = String.valueOf(e.getMessage());
                ReceiveException.Reason r = msg.contains("No space left")
                        ? ReceiveException.Reason.DISK_FULL : ReceiveException.Reason.IO;
                throw new ReceiveException(r, "write to " + path + " failed: " + msg, e);
            }
        }

        /**
         * Ends the reception and keeps the file.
         *
         * @throws ReceiveException IO when closing the file failed (the file is kept as it is)
         */
        public void complete() throws ReceiveException {
            FileChannel f = file;
            file = null;
            if (f == null) {
                return;
            }
            try {
                f.close();
            } catch (IOException e) {
                throw new ReceiveException(ReceiveException.Reason.IO, "closing " + path + " failed: " + e.getMessage(), e);
            }
        }

        /** Ends the reception and removes the partial file; failures are logged, never thrown. */
        public void cancel() {
            try {
                complete();
            } catch (ReceiveException e) {
                LOG.warn("{}", e.getMessage());
            }
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                LOG.warn("cannot remove the partial {}: {}", path, e.getMessage());
            }
        }
    }
}
