// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv.uio;

import java.nio.ByteBuffer;

/**
 * Receiving one file from the host, whatever the wire: a protocol decodes the request and calls
 * these in order (start, writes, then complete or cancel; {@link #abort} when the channel is lost).
 * The receiver owns the rules: where a file may go (one plain name in an absolute directory under
 * the configured root, symlinks never followed for the file), creating missing directories only
 * when asked, refusing to replace a file unless asked, and never leaving a partial file behind after
 * a cancel, an error or a lost channel. One copy at a time; calls come from one thread at a time.
 */
public interface FileReceiver {
    /** Outcomes a protocol maps to its status codes. */
    enum Result {
        OK,
        /** The file exists and overwriting was not asked for. */
        EXISTS,
        /** The file system is full. */
        NO_SPACE,
        /** Anything else: refused target, missing directory without create, I/O error, no copy started. */
        FAILED
    }

    /**
     * Begins a copy of {@code dir}/{@code name}. A copy still open is dropped (its partial file removed).
     *
     * @param overwrite replace an existing file
     * @param createPath create missing directories (mode 0755)
     * @param size the announced size (informational)
     */
    Result start(String dir, String name, boolean overwrite, boolean createPath, long size);

    /** Writes {@code data} at {@code offset} of the file being received. */
    Result write(long offset, ByteBuffer data);

    /** The file is whole: closes it. */
    Result complete();

    /** The host gave up: closes and removes the partial file. OK when no copy was open. */
    Result cancel();

    /** Whether a copy is open (started, not yet completed or cancelled). */
    boolean receiving();

    /** The channel is lost mid-copy: like {@link #cancel}, logged as such. */
    void abort();
}
