// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.file;

import org.guestd.jna.linux.CStream;

/**
 * One guest-file-open'ed stream and qemu-ga's read/write state ({@code RwState}): stdio needs a
 * flush between a write and a read and a seek between a read and a write, which qemu-ga does
 * implicitly. Commands use it only inside {@link FileHandles#withFile}, which holds its lock.
 */
public final class OpenFile {
    /** qemu-ga's RwState. */
    enum State { NEW, READING, WRITING }

    final CStream stream;
    State state = State.NEW;
    boolean closed;

    OpenFile(CStream stream) {
        this.stream = stream;
    }
}
