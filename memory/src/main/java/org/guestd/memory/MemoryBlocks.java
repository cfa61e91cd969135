// SPDX-License-Identifier: Apache-2.0
package org.guestd.memory;

import java.util.List;
import org.guestd.core.AgentException;

/**
 * Memory hot-(un)plug blocks under {@code /sys/devices/system/memory}, exported by the
 * {@code memory} service. Semantics and texts are qemu-ga's (guest-get-memory-blocks,
 * guest-set-memory-blocks, guest-get-memory-block-info).
 */
public interface MemoryBlocks {
    /**
     * One block.
     *
     * @param physIndex the N of {@code memoryN} (a uint64)
     * @param online whether its {@code state} starts with "online"
     * @param canOffline whether its {@code removable} is not '0'
     */
    record Block(long physIndex, boolean online, boolean canOffline) {}

    /** A requested state for one block. */
    record Request(long physIndex, boolean online) {}

    /** What became of one requested block (the cases of qemu-ga's GuestMemoryBlockResponseType). */
    enum Response { SUCCESS, NOT_FOUND, OPERATION_NOT_SUPPORTED, OPERATION_FAILED }

    /**
     * The outcome for one requested block.
     *
     * @param errorCode the errno qemu-ga reports ({@code error-code}), null when it reports none
     */
    record Result(long physIndex, Response response, Integer errorCode) {}

    /**
     * All blocks, in directory order. Empty when the guest has no memory directory at all.
     *
     * @throws AgentException {@code guest reported zero memory blocks!} for an empty directory, or a
     *     sysfs error text
     */
    List<Block> list() throws AgentException;

    /** Brings each block to its requested state; one result per request, never an exception. */
    List<Result> set(List<Request> requests);

    /** The block size in bytes ({@code block_size_bytes}, hex). */
    long blockSizeBytes() throws AgentException;
}
