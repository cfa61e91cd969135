// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * NVMe admin commands through {@code NVME_IOCTL_ADMIN_CMD} ({@code linux/nvme_ioctl.h}), as
 * qemu-ga's {@code get_nvme_smart} issues them.
 */
public final class Nvme {
    /** {@code _IOWR('N', 0x41, struct nvme_admin_cmd)}: struct nvme_passthru_cmd is 72 bytes. */
    static final long NVME_IOCTL_ADMIN_CMD = 0xC0484E41L;
    static final int CMD_SIZE = 72;
    /** NVME_ADM_CMD_GET_LOG_PAGE. */
    static final int GET_LOG_PAGE = 0x02;
    /** NVME_LOG_SMART_INFO. */
    static final int LOG_SMART_INFO = 0x02;
    /** The SMART / health log page size. */
    public static final int SMART_LOG_SIZE = 512;

    private Nvme() {}

    /**
     * The SMART / Health Information log page (log 02h, broadcast namespace, RAE set) of the
     * controller behind {@code devnode} (e.g. {@code /dev/nvme0n1}).
     *
     * @throws NativeException when the device cannot be opened or the command fails
     */
    public static byte[] smartLog(String devnode) throws NativeException {
        String call = "ioctl(" + devnode + ", NVME_IOCTL_ADMIN_CMD)";
        int fd = Posix.openFd(devnode, Posix.O_RDONLY | Posix.O_CLOEXEC);
        try (Memory log = new Memory(SMART_LOG_SIZE); Memory cmd = new Memory(CMD_SIZE)) {
            log.clear();
            cmd.clear();
            cmd.setByte(0, (byte) GET_LOG_PAGE);
            cmd.setInt(4, 0xffffffff); // nsid: NVME_NSID_BROADCAST
            cmd.setLong(24, Pointer.nativeValue(log)); // addr
            cmd.setInt(36, SMART_LOG_SIZE); // data_len
            cmd.setInt(40, LOG_SMART_INFO | (1 << 15) | (((SMART_LOG_SIZE >> 2) - 1) << 16)); // cdw10: lid, RAE, numd
            LinuxLibc.ioctl(fd, new NativeLong(NVME_IOCTL_ADMIN_CMD), cmd);
            return log.getByteArray(0, SMART_LOG_SIZE);
        } catch (LastErrorException e) {
            throw NativeException.of(call, e);
        } finally {
            Posix.close(fd);
        }
    }
}
