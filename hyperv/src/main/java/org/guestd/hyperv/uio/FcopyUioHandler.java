// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv.uio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.guestd.hyperv.HvStatus;
import org.guestd.hyperv.Wire;
import org.guestd.vmbus.VmbusChannel;
import org.guestd.vmbus.VmbusPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hyper-V file copy (Copy-VMFile) on the fcopy VMBus channel served through {@code uio_hv_generic}
 * (kernels since 6.10, where {@code hv_fcopy_uio_daemon} replaced the char device): IC framework
 * 3.0, service 1.1. Each in-band packet is an IC message answered in place (same length,
 * {@code icflags = TRANSACTION | RESPONSE}, the packet's transaction id echoed):
 *
 * <ul>
 *   <li>NEGOTIATE: {@link IcNegotiation}; status 0 on a match, else HV_E_FAIL (as the upstream daemon);</li>
 *   <li>FCOPY: {@code hv_fcopy_hdr.operation} at 28 — START_FILE_COPY (names UTF-16LE at 64 and 584,
 *       260 units each; copy_flags at 1104; file_size at 1108), WRITE_TO_FILE (offset at 68, size at
 *       76, data from 80, at most 6144 bytes), COMPLETE_FCOPY, CANCEL_FCOPY; the file work is the
 *       {@link FileReceiver}'s, on a worker, one message at a time;</li>
 *   <li>any other message type: HV_E_FAIL (as the upstream daemon).</li>
 * </ul>
 *
 * Statuses as {@code hv_fcopy_uio_daemon}: an existing file without OVER_WRITE
 * HV_ERROR_ALREADY_EXISTS, ENOSPC HV_ERROR_DISK_FULL, every other failure HV_E_FAIL, COMPLETE 0.
 * Where guestd deliberately differs: names are decoded as UTF-16 (the reference turns non-ASCII
 * into 'X'), malformed names and targets outside the rules are refused with HV_E_FAIL, CANCEL
 * removes the partial file and answers 0 (the reference has no CANCEL case: HV_E_FAIL, file left),
 * a WRITE larger than 6144 bytes or than the message is refused, and an FCOPY message too short
 * for its header is answered HV_E_FAIL (the reference exits).
 */
public final class FcopyUioHandler implements VmbusChannel.Handler {
    public static final int[] FRAMEWORK_VERSIONS = {IcNegotiation.version(3, 0)};
    public static final int[] SERVICE_VERSIONS = {IcNegotiation.version(1, 1)};
    static final int OP_START = 0;
    static final int OP_WRITE = 1;
    static final int OP_COMPLETE = 2;
    static final int OP_CANCEL = 3;
    static final int OVER_WRITE = 0x1;
    static final int CREATE_PATH = 0x2;
    static final int FCOPY_HDR = 36;
    static final int NAME_UNITS = 260;
    static final int B = IcMessage.HEADER;
    static final int OFF_FILE_NAME = B + 36;
    static final int OFF_PATH_NAME = B + 556;
    static final int OFF_COPY_FLAGS = B + 1076;
    static final int OFF_FILE_SIZE = B + 1080;
    static final int START_END = B + 1088;
    static final int OFF_WRITE_OFFSET = B + 40;
    static final int OFF_WRITE_SIZE = B + 48;
    static final int OFF_WRITE_DATA = B + 52;
    static final int DATA_FRAGMENT = 6144;
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.hyperv");

    private final FileReceiver receiver;
    private final Executor serial;
    private final Runnable onClosed;
    private volatile int serviceVersion;
    private final AtomicBoolean oddLogged = new AtomicBoolean();

    /**
     * @param receiver where files go
     * @param serial runs file work one task at a time, in order, off the event loop
     * @param onClosed told (on the loop) when the channel ended because the host rescinded it
     */
    public FcopyUioHandler(FileReceiver receiver, Executor serial, Runnable onClosed) {
        this.receiver = Objects.requireNonNull(receiver);
        this.serial = Objects.requireNonNull(serial);
        this.onClosed = Objects.requireNonNull(onClosed);
    }

    /** The negotiated service version ({@code major << 16 | minor}), 0 before negotiation. */
    public int serviceVersion() {
        return serviceVersion;
    }

    @Override
    public void received(VmbusPacket packet, VmbusChannel.Replies replies) {
        byte[] m = packet.payload();
        if (packet.type() != VmbusPacket.TYPE_INBAND || !IcMessage.hasHeader(m)) {
            logOdd("a packet of type " + packet.type() + " with " + m.length + " payload bytes; no reply");
            replies.none(packet);
            return;
        }
        int type = IcMessage.type(m);
        if (type == IcMessage.TYPE_NEGOTIATE) {
            int[] v = IcNegotiation.respond(m, FRAMEWORK_VERSIONS, SERVICE_VERSIONS);
            if (v != null) {
                serviceVersion = v[1];
                LOG.info("fcopy: IC version {}.{} (framework {}.{})", v[1] >>> 16, v[1] & 0xffff, v[0] >>> 16,
                        v[0] & 0xffff);
            } else {
                LOG.warn("fcopy: version negotiation found no common version; answered HV_E_FAIL");
            }
            replies.reply(packet, IcMessage.answer(m, v != null ? HvStatus.S_OK : HvStatus.E_FAIL));
        } else if (type == IcMessage.TYPE_FCOPY) {
            if (m.length < B + FCOPY_HDR) {
                logOdd("an fcopy message of " + m.length + " bytes, shorter than its header; HV_E_FAIL");
                replies.reply(packet, IcMessage.answer(m, HvStatus.E_FAIL));
                return;
            }
            serial.execute(() -> {
                int status;
                try {
                    status = fcopy(m);
                } catch (RuntimeException e) {
                    LOG.warn("fcopy: handling failed: {}", e.toString());
                    status = HvStatus.E_FAIL;
                }
                replies.reply(packet, IcMessage.answer(m, status));
            });
        } else {
            logOdd("IC message type " + type + " on the fcopy channel; HV_E_FAIL");
            replies.reply(packet, IcMessage.answer(m, HvStatus.E_FAIL));
        }
    }

    /** Bad input from the host: the first at warn, the rest at debug (never a log flood). */
    private void logOdd(String what) {
        if (oddLogged.compareAndSet(false, true)) {
            LOG.warn("fcopy: {} (further ones at debug)", what);
        } else {
            LOG.debug("fcopy: {}", what);
        }
    }

    /** One fcopy operation; returns the status. Runs on the serial worker. */
    int fcopy(byte[] m) {
        int op = Wire.u32(m, B);
        switch (op) {
            case OP_START:
                return start(m);
            case OP_WRITE:
                return write(m);
            case OP_COMPLETE: {
                boolean open = receiver.receiving();
                FileReceiver.Result r = receiver.complete();
                return r == FileReceiver.Result.OK || !open ? HvStatus.S_OK : HvStatus.E_FAIL;
            }
            case OP_CANCEL:
                receiver.cancel();
                return HvStatus.S_OK;
            default:
                logOdd("unknown operation " + Integer.toUnsignedString(op) + "; HV_E_FAIL");
                return HvStatus.E_FAIL;
        }
    }

    private int start(byte[] m) {
        if (m.length < START_END) {
            receiver.cancel();
            LOG.warn("fcopy: START of {} bytes (needs {}); HV_E_FAIL", m.length, START_END);
            return HvStatus.E_FAIL;
        }
        String name;
        String dir;
        try {
            name = Utf16Name.decode(m, OFF_FILE_NAME, NAME_UNITS);
            dir = Utf16Name.decode(m, OFF_PATH_NAME, NAME_UNITS);
        } catch (IOException e) {
            receiver.cancel();
            LOG.warn("fcopy: START refused: {}; HV_E_FAIL", e.getMessage());
            return HvStatus.E_FAIL;
        }
        int flags = Wire.u32(m, OFF_COPY_FLAGS);
        return status(receiver.start(dir, name, (flags & OVER_WRITE) != 0, (flags & CREATE_PATH) != 0,
                Wire.u64(m, OFF_FILE_SIZE)));
    }

    private int write(byte[] m) {
        if (m.length < OFF_WRITE_DATA) {
            LOG.warn("fcopy: WRITE of {} bytes, shorter than its header; HV_E_FAIL", m.length);
            return HvStatus.E_FAIL;
        }
        long offset = Wire.u64(m, OFF_WRITE_OFFSET);
        long size = Wire.u32(m, OFF_WRITE_SIZE) & 0xffffffffL;
        if (size > DATA_FRAGMENT || OFF_WRITE_DATA + size > m.length) {
            LOG.warn("fcopy: WRITE of {} bytes does not fit a {}-byte message (at most {}); HV_E_FAIL", size,
                    m.length, DATA_FRAGMENT);
            receiver.cancel();
            return HvStatus.E_FAIL;
        }
        return status(receiver.write(offset, ByteBuffer.wrap(m, OFF_WRITE_DATA, (int) size)));
    }

    private static int status(FileReceiver.Result r) {
        switch (r) {
            case OK:
                return HvStatus.S_OK;
            case EXISTS:
                return HvStatus.ERROR_ALREADY_EXISTS;
            case NO_SPACE:
                return HvStatus.ERROR_DISK_FULL;
            default:
                return HvStatus.E_FAIL;
        }
    }

    @Override
    public void closed(boolean rescinded) {
        serial.execute(receiver::abort);
        if (rescinded) {
            onClosed.run();
        }
    }
}
