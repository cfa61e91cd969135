// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.file;

import org.guestd.jna.linux.CStream;

/**
 * One guest-file-open'ed stream and qemu-ga's read/write state ({@code RwState}): stdio needs a
 * flush between a write and a read and a seek between a read and a write, which qemu-ga does
 * implicitly. Callers lock the object ({@code synchronized (file)}) around every use.
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
