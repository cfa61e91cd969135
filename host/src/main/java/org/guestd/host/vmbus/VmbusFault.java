// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.vmbus;

/**
 * What a misbehaving host (or a dying channel) can do to a guest's VMBus ring client. The client
 * must survive every one without crashing, without leaving a partial file behind and without
 * spinning a CPU. Applied through {@link UioHostEmulator#inject}; {@link #HOST_STOPS_READING} and
 * {@link #RING_FULL} are ways of driving the emulator (stop calling receive; keep sending).
 */
public enum VmbusFault {
    /** The host never reads the guest's ring again: replies pile up until it is full. */
    HOST_STOPS_READING,
    /** A packet whose write index is published halfway through it (the rest may come later). */
    TORN_PACKET,
    /** A descriptor whose offset8/len8 make no sense (offset beyond length, length beyond the ring). */
    BAD_LENGTHS,
    /** Indices outside the data area. */
    BAD_INDICES,
    /** An IC message of a type the service does not know. */
    UNKNOWN_MESSAGE_TYPE,
    /** The host-to-guest ring filled to the last byte with requests. */
    RING_FULL,
    /** Interrupts with nothing in the ring, many of them. */
    INTERRUPT_STORM,
    /** The channel is rescinded ("Guest services" disabled): reads fail from now on. */
    RESCIND
}
