// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.vmbus;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayDeque;
import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.Posix;
import org.guestd.jna.linux.SharedMemory;
import org.guestd.jna.linux.SocketPairs;

/**
 * The host and the kernel's {@code uio_hv_generic} side of one VMBus channel, for tests: both
 * rings in a memfd (guest-to-host first, host-to-guest second, as UIO map 0 lays them out) and an
 * interrupt channel, a SOCK_SEQPACKET pair standing in for {@code /dev/uioN}'s 4-byte reads and
 * writes. The guest side gets the memfd (to map) and its socket end, in process ({@code fd:M,I})
 * or inherited by a child.
 *
 * <p>What the emulated kernel and host do: a host packet that makes the host-to-guest ring
 * non-empty while its interrupt mask is 0 raises an interrupt (a 4-byte count message); with
 * {@link Kernel#MASKS_IN_ISR} the driver sets the mask to 1 first, as drivers before the 2025
 * stable updates did. A guest write of 1 clears the mask and signals the host, 0 sets it. The host
 * reads the guest's ring only when signalled (so a guest that forgets to signal is caught), and
 * interrupts the guest when its reading frees the space the guest asked for in
 * {@code pending_send_sz}. Single-threaded: one test thread drives it.
 */
public final class UioHostEmulator implements AutoCloseable {
    /** One ring of the fcopy channel on x86_64: 4 KiB header + 16 KiB data. */
    public static final int FCOPY_RING_SIZE = 20 * 1024;

    /** How the emulated {@code uio_hv_generic} treats the interrupt mask. */
    public enum Kernel {
        /** Since the 2025 stable updates: the mask belongs to user space. */
        USER_OWNS_MASK,
        /** Before: the interrupt handler sets the mask to 1 before it notifies user space. */
        MASKS_IN_ISR
    }

    private final int ringSize;
    private final Kernel kernel;
    private final int memfd;
    private final SharedMemory.Mapping mapping;
    private final HostRing fromGuest;
    private final HostRing toGuest;
    private final int hostFd;
    private int guestFd;
    private int guestMapFd;
    private final ByteBuffer word = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
    private final ArrayDeque<HostRing.Packet> received = new ArrayDeque<>();
    private int interruptCount;
    private int guestSignals;
    private int guestMasks;
    private boolean rescinded;
    private boolean closed;

    public UioHostEmulator(int ringSize, Kernel kernel) throws IOException {
        int page = SharedMemory.pageSize();
        if (ringSize % page != 0 || ringSize < 2 * page) {
            throw new IllegalArgumentException("ring size " + ringSize + " is not a page multiple");
        }
        this.ringSize = ringSize;
        this.kernel = kernel;
        this.memfd = SharedMemory.memfd("vmbus-emulator", 2L * ringSize);
        this.mapping = SharedMemory.map(memfd, 2L * ringSize, 0);
        ByteBuffer all = mapping.buffer();
        this.fromGuest = new HostRing(all.slice(0, ringSize), page);
        this.toGuest = new HostRing(all.slice(ringSize, ringSize), page);
        fromGuest.setFeatureBits(1); // both sides set pending_send_sz when they wait for room
        toGuest.setFeatureBits(1);
        int[] sv = SocketPairs.seqpacket();
        this.hostFd = sv[0];
        this.guestFd = sv[1];
        this.guestMapFd = memfd;
    }

    public int ringSize() {
        return ringSize;
    }

    /** The guest's ring (host reads). */
    public HostRing fromGuest() {
        return fromGuest;
    }

    /** The host's ring to the guest (host writes). */
    public HostRing toGuest() {
        return toGuest;
    }

    /** The guest's descriptors as a device spec: {@code fd:MAP,EVENT}. */
    public String guestSpec() {
        return "fd:" + guestMapFd + "," + guestFd;
    }

    public int guestMapFd() {
        return guestMapFd;
    }

    public int guestEventFd() {
        return guestFd;
    }

    /**
     * Gives the guest's descriptors to an in-process guest, which will close them: a duplicate of
     * the memfd (the emulator keeps its own) and the socket end (forgotten here).
     *
     * @return {@code fd:MAP,EVENT}
     */
    public synchronized String handOver() throws IOException {
        int dup = dupCloexec(memfd);
        String spec = "fd:" + dup + "," + guestFd;
        guestFd = -1;
        return spec;
    }

    /** After a child inherited the guest's descriptors: closes the socket end here. */
    public synchronized void closeGuestEnd() {
        if (guestFd >= 0) {
            closeQuietly(guestFd);
            guestFd = -1;
        }
    }

    /**
     * Sends one in-band packet to the guest.
     *
     * @return false when the ring has no room for it
     */
    public boolean send(long xid, byte[] payload) throws IOException {
        return sendFrame(HostRing.inband(xid, payload, toGuest.writeIndex()), -1);
    }

    /**
     * Copies a raw frame into the guest's ring and publishes {@code publish} bytes of it (-1: all),
     * raising an interrupt when the ring was empty and the guest listens.
     */
    public boolean sendFrame(byte[] frame, int publish) throws IOException {
        int oldWrite = toGuest.writeIndex();
        if (!toGuest.put(frame, publish < 0 ? frame.length : publish)) {
            return false;
        }
        // empty before this packet, as seen after publishing it (put ends with a full fence): the
        // guest may have drained the ring while we wrote
        boolean wasEmpty = toGuest.readIndex() == oldWrite;
        // the real driver applies the guest's mask writes at once; here they wait in the socket
        // until we look, so look before deciding (a write that comes after this is followed by the
        // guest's own re-check of the ring)
        if (!rescinded) {
            pump();
        }
        if (wasEmpty && toGuest.interruptMask() == 0) {
            interrupt();
        }
        return true;
    }

    /** Raises the channel's interrupt (the kernel's ISR: masks first with {@link Kernel#MASKS_IN_ISR}). */
    public void interrupt() throws IOException {
        if (rescinded) {
            return;
        }
        if (kernel == Kernel.MASKS_IN_ISR) {
            toGuest.setInterruptMask(1);
        }
        interruptCount++;
        word.clear();
        word.putInt(0, interruptCount);
        int n = Posix.write(hostFd, word);
        if (n != 4) {
            throw new IOException("the guest does not read its interrupts (socket full)");
        }
    }

    /**
     * The guest's next packet, read when the guest signalled. Handles the guest's 4-byte writes
     * while waiting.
     *
     * @return the packet, or null if none came within {@code timeout}
     */
    public HostRing.Packet receive(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !waitGuest(left)) {
                return null;
            }
            handleGuestWrites();
        }
        return received.poll();
    }

    /** Handles whatever the guest wrote so far, without waiting; returns how many writes. */
    public int pump() throws IOException {
        return waitGuest(0) ? handleGuestWrites() : 0;
    }

    private int handleGuestWrites() throws IOException {
        int n = 0;
        while (true) {
            word.clear();
            int r;
            try {
                r = Posix.recv(hostFd, word, 0x40); // MSG_DONTWAIT
            } catch (NativeException e) {
                throw new IOException("interrupt socket: " + e.getMessage(), e);
            }
            if (r <= 0) {
                return n; // nothing more, or the guest closed its end
            }
            n++;
            int v = word.getInt(0);
            if (v == 0) {
                toGuest.setInterruptMask(1);
                guestMasks++;
            } else {
                toGuest.setInterruptMask(0);
                guestSignals++;
                drainGuestRing();
            }
        }
    }

    private void drainGuestRing() throws IOException {
        int read = 0;
        HostRing.Packet p;
        while ((p = fromGuest.take()) != null) {
            received.add(p);
            read += p.len8() * 8 + 8;
        }
        int pending = fromGuest.pendingSend();
        int free = fromGuest.free();
        if (read > 0 && pending != 0 && free - read <= pending && free > pending) {
            interrupt(); // the guest waits for room
        }
    }

    private boolean waitGuest(long nanos) throws IOException {
        int ms = (int) Math.min(Integer.MAX_VALUE, (nanos + 999_999) / 1_000_000);
        return Posix.awaitReadable(hostFd, ms);
    }

    /** Interrupts raised so far. */
    public int interrupts() {
        return interruptCount;
    }

    /** Guest writes of 1 (unmask and signal the host) so far. */
    public int guestSignals() {
        return guestSignals;
    }

    /** Guest writes of 0 (mask) so far. */
    public int guestMasks() {
        return guestMasks;
    }

    /**
     * Applies a one-shot fault: {@link VmbusFault#TORN_PACKET} (the first half of {@code payload}
     * published; {@link #completeTorn} publishes the rest), {@link VmbusFault#BAD_LENGTHS},
     * {@link VmbusFault#BAD_INDICES}, {@link VmbusFault#INTERRUPT_STORM} (1000 empty interrupts),
     * {@link VmbusFault#RESCIND}.
     */
    public void inject(VmbusFault fault, long xid, byte[] payload) throws IOException {
        switch (fault) {
            case TORN_PACKET: {
                byte[] f = HostRing.inband(xid, payload, toGuest.writeIndex());
                tornRest = f.length - f.length / 2 / 8 * 8;
                sendFrame(f, f.length - tornRest);
                break;
            }
            case BAD_LENGTHS:
                sendFrame(HostRing.frame(6, 40, 3, 0, xid, new byte[8], toGuest.writeIndex()), -1);
                break;
            case BAD_INDICES:
                toGuest.setIndices(toGuest.dataSize() + 8, 0);
                interrupt();
                break;
            case INTERRUPT_STORM:
                for (int i = 0; i < 1000; i++) {
                    interrupt();
                    if (i % 100 == 99) {
                        pump();
                    }
                }
                break;
            case RESCIND:
                rescind();
                break;
            default:
                throw new IllegalArgumentException(fault + " is a way of driving the emulator, not a one-shot fault");
        }
    }

    private int tornRest;

    /** Publishes the rest of a torn packet and interrupts. */
    public void completeTorn() throws IOException {
        toGuest.publishMore(tornRest);
        tornRest = 0;
        interrupt();
    }

    /** The channel goes away: the host end of the interrupt channel closes (the guest reads EOF). */
    public synchronized void rescind() {
        if (!rescinded) {
            rescinded = true;
            closeQuietly(hostFd);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        rescind();
        closeGuestEnd();
        mapping.close();
        closeQuietly(memfd);
    }

    private static int dupCloexec(int fd) throws IOException {
        return Posix.dupCloexec(fd, 3);
    }

    private static void closeQuietly(int fd) {
        try {
            Posix.close(fd);
        } catch (NativeException e) {
            // already gone
        }
    }
}
