// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import java.nio.ByteBuffer;
import org.guestd.core.log.HostWarnings;
import org.guestd.files.FileReceiver;
import org.guestd.files.ReceiveException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon side of {@code /dev/vmbus/hv_fcopy} in its Debian 12 form (char device, hv_utils
 * {@code hv_fcopy.c}; the later UIO ring daemon is not used there): the daemon writes the 4-byte
 * version 1, the kernel answers 4 bytes; then START_FILE_COPY ({@code struct hv_start_fcopy}, 1088
 * bytes, names already UTF-8), WRITE_TO_FILE ({@code struct hv_do_fcopy}, 6196 bytes), COMPLETE and
 * CANCEL; each answered with a 4-byte int status. The file itself is the files feature's
 * ({@link FileReceiver}: target rules, overwrite, partial file removed on cancel); this class reads
 * the messages and maps the outcome to hv_fcopy_daemon's statuses: an existing file without
 * OVER_WRITE is HV_ERROR_ALREADY_EXISTS, a missing directory without CREATE_PATH and any other
 * failure HV_E_FAIL, ENOSPC HV_ERROR_DISK_FULL.
 */
final class FcopyProtocol implements DeviceProtocol {
    static final int OP_START = 0;
    static final int OP_WRITE = 1;
    static final int OP_COMPLETE = 2;
    static final int OP_CANCEL = 3;
    static final int VERSION = 1;
    static final int OVER_WRITE = 0x1;
    static final int CREATE_PATH = 0x2;
    static final int HDR_SIZE = 36;
    static final int START_SIZE = 1088;
    static final int OFF_FILE_NAME = 36;
    static final int OFF_PATH_NAME = 556;
    static final int NAME_SIZE = 520;
    static final int OFF_COPY_FLAGS = 1076;
    static final int OFF_FILE_SIZE = 1080;
    static final int OFF_WRITE_OFFSET = 40;
    static final int OFF_WRITE_SIZE = 48;
    static final int OFF_WRITE_DATA = 52;
    static final int DATA_FRAGMENT = 6144;
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.hyperv");
    private static final Logger AUDIT = LoggerFactory.getLogger("guestd.audit");

    private final FileReceiver receiver;
    private final HostWarnings warnings = new HostWarnings(LOG);
    private boolean inHandshake = true;
    private FileReceiver.Incoming incoming;

    FcopyProtocol(FileReceiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public String name() {
        return "fcopy";
    }

    @Override
    public byte[] register() {
        inHandshake = true;
        byte[] m = new byte[4];
        Wire.putU32(m, 0, VERSION);
        return m;
    }

    @Override
    public byte[] handle(byte[] m) {
        if (inHandshake && m.length == 4) {
            inHandshake = false;
            LOG.info("fcopy: registered with the kernel, version {}", Wire.u32(m, 0));
            return null;
        }
        inHandshake = false;
        int status;
        if (m.length < 4) {
            warnings.warn("fcopy-bad-size", "fcopy: {}-byte message; answered HV_E_FAIL", m.length);
            status = HvStatus.E_FAIL;
        } else {
            int op = Wire.u32(m, 0);
            switch (op) {
                case OP_START:
                    status = start(m);
                    break;
                case OP_WRITE:
                    status = write(m);
                    break;
                case OP_COMPLETE:
                    status = finish(false);
                    break;
                case OP_CANCEL:
                    status = finish(true);
                    break;
                default:
                    warnings.warn("fcopy-unknown-op", "fcopy: unknown operation {}", op);
                    status = HvStatus.E_FAIL;
                    break;
            }
        }
        byte[] reply = new byte[4];
        Wire.putU32(reply, 0, status);
        return reply;
    }

    private int start(byte[] m) {
        abandon(); // a START without COMPLETE before it: drop the old file handle, keep the file
        if (m.length < START_SIZE) {
            warnings.warn("fcopy-bad-size", "fcopy: START of {} bytes (expected {}); HV_E_FAIL", m.length, START_SIZE);
            return HvStatus.E_FAIL;
        }
        String name = Wire.cString(m, OFF_FILE_NAME, NAME_SIZE);
        String dir = Wire.cString(m, OFF_PATH_NAME, NAME_SIZE);
        int flags = Wire.u32(m, OFF_COPY_FLAGS);
        try {
            incoming = receiver.start(dir, name, (flags & OVER_WRITE) != 0, (flags & CREATE_PATH) != 0);
        } catch (ReceiveException e) {
            if (e.reason() == ReceiveException.Reason.EXISTS) {
                LOG.debug("fcopy: {}", e.getMessage()); // the host's choice: answered, nothing wrong here
                return HvStatus.ERROR_ALREADY_EXISTS;
            }
            warnings.warn("fcopy-refused", "fcopy: {}", e.getMessage());
            return HvStatus.E_FAIL;
        }
        LOG.debug("fcopy: receiving {} ({} bytes)", incoming.path(), Wire.u64(m, OFF_FILE_SIZE));
        return HvStatus.S_OK;
    }

    private int write(byte[] m) {
        if (incoming == null) {
            warnings.warn("fcopy-write-without-start", "fcopy: WRITE without a started copy");
            return HvStatus.E_FAIL;
        }
        if (m.length < OFF_WRITE_DATA) {
            return HvStatus.E_FAIL;
        }
        long offset = Wire.u64(m, OFF_WRITE_OFFSET);
        long size = Wire.u32(m, OFF_WRITE_SIZE) & 0xffffffffL;
        if (size > DATA_FRAGMENT || OFF_WRITE_DATA + size > m.length || offset < 0) {
            warnings.warn("fcopy-bad-write", "fcopy: WRITE of {} bytes at {} does not fit the {}-byte message", size,
                    offset, m.length);
            return HvStatus.E_FAIL;
        }
        try {
            incoming.write(offset, ByteBuffer.wrap(m, OFF_WRITE_DATA, (int) size));
            return HvStatus.S_OK;
        } catch (ReceiveException e) {
            warnings.warn("fcopy-write-failed", "fcopy: {}", e.getMessage());
            return e.reason() == ReceiveException.Reason.DISK_FULL ? HvStatus.ERROR_DISK_FULL : HvStatus.E_FAIL;
        }
    }

    private int finish(boolean cancel) {
        FileReceiver.Incoming in = incoming;
        incoming = null;
        if (in == null) {
            return HvStatus.S_OK; // hv_fcopy_daemon closes whatever it has and answers 0 (differential)
        }
        if (cancel) {
            in.cancel();
            LOG.debug("fcopy: cancelled, removed {}", in.path());
            return HvStatus.S_OK;
        }
        try {
            in.complete();
        } catch (ReceiveException e) {
            warnings.warn("fcopy-complete-failed", "fcopy: {}", e.getMessage());
            return HvStatus.E_FAIL;
        }
        AUDIT.info("fcopy: host copied {} into the guest", in.path());
        return HvStatus.S_OK;
    }

    private void abandon() {
        FileReceiver.Incoming in = incoming;
        incoming = null;
        if (in != null) {
            try {
                in.complete();
            } catch (ReceiveException e) {
                warnings.warn("fcopy-complete-failed", "fcopy: {}", e.getMessage());
            }
        }
    }

    @Override
    public void sessionEnded() {
        FileReceiver.Incoming in = incoming;
        incoming = null;
        if (in != null) {
            LOG.warn("fcopy: device lost during a copy; removing the partial {}", in.path());
            in.cancel();
        }
    }
}
