// SPDX-License-Identifier: Apache-2.0
package org.guestd.files;

import org.guestd.jna.linux.CStream;

/**
 * One open stream and qemu-ga's read/write state ({@code RwState}): stdio needs a flush between a
 * write and a read and a seek between a read and a write, which {@link FileHandles} does
 * implicitly. Used only while {@link FileHandles} holds its lock.
 */
final class OpenFile {
    /** qemu-ga's RwState. */
    enum State { NEW, READING, WRITING }

    final CStream stream;
    State state = State.NEW;
    boolean closed;

    OpenFile(CStream stream) {
        this.stream = stream;
    }
}
