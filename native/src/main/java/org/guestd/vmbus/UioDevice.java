// SPDX-License-Identifier: Apache-2.0
package org.guestd.vmbus;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.guestd.jna.linux.KernelEvents;
import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.Posix;
import org.guestd.jna.linux.SharedMemory;

/**
 * A VMBus channel handed to user space by {@code uio_hv_generic}: the ring pages (UIO map 0,
 * {@code txrx_rings}: the guest-to-host ring first, the host-to-guest ring after it, each
 * {@code ringSize} bytes) and the interrupt descriptor. On the real device both are
 * {@code /dev/uioN}: a 4-byte {@code read()} returns the interrupt count (EAGAIN when none is new,
 * EIO once the channel is rescinded), a 4-byte {@code write()} of 1 clears the host-to-guest ring's
 * interrupt mask and signals the host, of 0 sets the mask.
 *
 * <p>For tests the two may be separate descriptors ({@link #ofDescriptors}): a memory file holding
 * both rings and a message socket carrying the same 4-byte reads and writes; end of file there
 * means what EIO means on the device.
 */
public final class UioDevice implements AutoCloseable {
    private static final int EIO = 5;
    private static final int ENODEV = 19;
    private static final int EPIPE = 32;
    private static final int ECONNRESET = 104;
    /** At most this many interrupt messages are consumed per wake (a storm never holds the loop). */
    private static final int MAX_EVENTS_PER_WAKE = 256;

    private final String name;
    private final int mapFd; // -1 when it is the event fd
    private final int eventFd;
    private final SharedMemory.Mapping mapping;
    private final VmbusRing tx;
    private final VmbusRing rx;
    private final ByteBuffer word = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
    private boolean closed;

    private UioDevice(String name, int mapFd, int eventFd, SharedMemory.Mapping mapping, int ringSize) {
        this.name = name;
        this.mapFd = mapFd;
        this.eventFd = eventFd;
        this.mapping = mapping;
        int header = SharedMemory.pageSize();
        ByteBuffer all = mapping.buffer();
        this.tx = new VmbusRing(all.slice(0, ringSize), header);
        this.rx = new VmbusRing(all.slice(ringSize, ringSize), header);
    }

    /**
     * Opens {@code /dev/uioN} (non-blocking, close-on-exec) and maps both rings.
     *
     * @param ringSize one ring's size in bytes, as sysfs tells it (half the {@code ring} file's size)
     */
    public static UioDevice open(Path node, int ringSize) throws IOException {
        checkRingSize(ringSize);
        int fd = Posix.openFd(node.toString(), Posix.O_RDWR | Posix.O_NONBLOCK | Posix.O_CLOEXEC);
        try {
            SharedMemory.Mapping m = SharedMemory.map(fd, 2L * ringSize, 0);
            return new UioDevice(node.toString(), -1, fd, m, ringSize);
        } catch (IOException | RuntimeException e) {
            KernelEvents.closeQuietly(fd);
            throw e;
        }
    }

    /**
     * The test form: {@code mapFd} holds both rings (one ring is half its size), {@code eventFd} is
     * a message socket for the interrupt reads and writes. Takes ownership of both descriptors.
     */
    public static UioDevice ofDescriptors(int mapFd, int eventFd) throws IOException {
        long size = Files.size(Path.of("/proc/self/fd/" + mapFd));
        if (size % 2 != 0 || size / 2 > Integer.MAX_VALUE) {
            throw new IOException("ring memory fd " + mapFd + " has " + size + " bytes: not two rings");
        }
        int ringSize = (int) (size / 2);
        checkRingSize(ringSize);
        Posix.setNonBlockingCloexec(eventFd);
        SharedMemory.Mapping m = SharedMemory.map(mapFd, size, 0);
        return new UioDevice("fd:" + mapFd + "," + eventFd, mapFd, eventFd, m, ringSize);
    }

    /** {@link #ofDescriptors} from the spec {@code fd:MAP,EVENT}. */
    public static UioDevice ofSpec(String spec) throws IOException {
        String[] parts = spec.startsWith("fd:") ? spec.substring(3).split(",", -1) : new String[0];
        if (parts.length != 2) {
            throw new IOException("'" + spec + "' is not fd:MAP,EVENT");
        }
        try {
            return ofDescriptors(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new IOException("'" + spec + "' is not fd:MAP,EVENT");
        }
    }

    private static void checkRingSize(int ringSize) throws IOException {
        int page = SharedMemory.pageSize();
        if (ringSize < 2 * page || ringSize % page != 0) {
            throw new IOException("ring size " + ringSize + " is not a whole number (at least 2) of "
                    + page + "-byte pages");
        }
    }

    public String name() {
        return name;
    }

    /** The guest-to-host ring (we write). */
    public VmbusRing tx() {
        return tx;
    }

    /** The host-to-guest ring (we read). */
    public VmbusRing rx() {
        return rx;
    }

    /** The descriptor to wait on (epoll). */
    public int eventFd() {
        return eventFd;
    }

    /**
     * Consumes the pending interrupt(s) without blocking.
     *
     * @return how many reads returned an event (0: none was pending)
     * @throws ChannelGoneException EIO/ENODEV or end of file: the channel was rescinded
     */
    public int consumeEvents() throws IOException {
        int n = 0;
        for (int i = 0; i < MAX_EVENTS_PER_WAKE; i++) {
            word.clear();
            int r;
            try {
                r = Posix.read(eventFd, word);
            } catch (NativeException e) {
                throw gone(e);
            }
            if (r < 0) {
                throw new ChannelGoneException(name + ": end of file on the interrupt descriptor", null);
            }
            if (r == 0) {
                return n; // EAGAIN
            }
            n++;
        }
        return n;
    }

    /**
     * The 4-byte {@code write()}: 1 clears the host-to-guest interrupt mask and (kernels since
     * 6.10) signals the host; 0 sets the mask.
     */
    public void irqControl(boolean enable) throws IOException {
        word.clear();
        word.putInt(0, enable ? 1 : 0);
        try {
            Posix.write(eventFd, word); // 0 (EAGAIN) only on a test socket nobody drains: a lost signal
        } catch (NativeException e) {
            throw gone(e);
        }
    }

    private IOException gone(NativeException e) {
        if (e.errno() == EIO || e.errno() == ENODEV || e.errno() == ECONNRESET || e.errno() == EPIPE) {
            return new ChannelGoneException(name + ": " + e.getMessage(), e);
        }
        return e;
    }

    /** Unmaps the rings and closes the descriptor(s). Idempotent; the rings must not be used after. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        mapping.close();
        KernelEvents.closeQuietly(eventFd);
        if (mapFd >= 0) {
            KernelEvents.closeQuietly(mapFd);
        }
    }
}
