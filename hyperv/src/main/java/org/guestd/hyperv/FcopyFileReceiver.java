// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.guestd.files.ReceiveException;
import org.guestd.hyperv.uio.FileReceiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UIO fcopy's {@link FileReceiver} over the files feature's {@link org.guestd.files.FileReceiver}
 * (the same target rules as the char-device fcopy: one plain name, absolute directory, under
 * {@code fcopy-root}, never a followed symlink; directories 0755 only with CREATE_PATH; files 0644).
 * It only keeps the session state the VMBus handler asks about and maps the feature's failures to
 * the handler's results; a failed write or a lost channel removes the partial file.
 */
public final class FcopyFileReceiver implements FileReceiver {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.hyperv");

    private final org.guestd.files.FileReceiver files;
    private final Runnable onMessage;
    private org.guestd.files.FileReceiver.Incoming in;
    private boolean strayWriteLogged;

    public FcopyFileReceiver(org.guestd.files.FileReceiver files) {
        this(files, () -> { });
    }

    /**
     * Over {@code files}; {@code onMessage} runs for each START, COMPLETE and CANCEL the host sends
     * (its contacts, for the heartbeat), not per data chunk.
     */
    public FcopyFileReceiver(org.guestd.files.FileReceiver files, Runnable onMessage) {
        this.files = files;
        this.onMessage = onMessage;
    }

    /** Over a files-feature receiver rooted at {@code root} (tests). */
    public FcopyFileReceiver(Path root) {
        this(new org.guestd.files.FileReceiver(root));
    }

    @Override
    public Result start(String dir, String name, boolean overwrite, boolean createPath, long size) {
        onMessage.run();
        drop("a new copy started");
        try {
            in = files.start(dir, name, overwrite, createPath);
            LOG.info("fcopy: receiving {} ({} bytes)", in.path(), Long.toUnsignedString(size));
            return Result.OK;
        } catch (ReceiveException e) {
            if (e.reason() == ReceiveException.Reason.EXISTS) {
                LOG.info("fcopy: {}", e.getMessage());
            } else {
                LOG.warn("fcopy: {}", e.getMessage());
            }
            return result(e);
        }
    }

    @Override
    public Result write(long offset, ByteBuffer data) {
        if (in == null) {
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
            in.write(offset, data);
            return Result.OK;
        } catch (ReceiveException e) {
            LOG.warn("fcopy: {}; the partial file is removed", e.getMessage());
            drop(null);
            return result(e);
        }
    }

    @Override
    public Result complete() {
        onMessage.run();
        org.guestd.files.FileReceiver.Incoming i = in;
        in = null;
        if (i == null) {
            return Result.FAILED;
        }
        try {
            i.complete();
            LOG.info("fcopy: completed {}", i.path());
            return Result.OK;
        } catch (ReceiveException e) {
            LOG.warn("fcopy: {}; removed", e.getMessage());
            i.cancel();
            return Result.FAILED;
        }
    }

    @Override
    public Result cancel() {
        onMessage.run();
        if (in != null) {
            LOG.info("fcopy: cancelled; removing the partial {}", in.path());
            drop(null);
        }
        return Result.OK;
    }

    @Override
    public boolean receiving() {
        return in != null;
    }

    @Override
    public void abort() {
        if (in != null) {
            LOG.warn("fcopy: channel lost during a copy; removing the partial {}", in.path());
            drop(null);
        }
    }

    /** Closes and removes an open partial file. */
    private void drop(String why) {
        org.guestd.files.FileReceiver.Incoming i = in;
        in = null;
        if (i == null) {
            return;
        }
        if (why != null) {
            LOG.warn("fcopy: {} before {} was completed; removing it", why, i.path());
        }
        i.cancel();
    }

    private static Result result(ReceiveException e) {
        return switch (e.reason()) {
            case EXISTS -> Result.EXISTS;
            case DISK_FULL -> Result.NO_SPACE;
            default -> Result.FAILED;
        };
    }
}
