// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.disk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.guestd.core.AgentException;
import org.guestd.guestinfo.GuestInfo;
import org.guestd.qga.command.Wire;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;

/**
 * {@code guest-get-fsinfo} (Since: 2.2): [GuestFilesystemInfo {@code {name, mountpoint, type,
 * used-bytes? (3.0), total-bytes? (3.0), total-bytes-privileged? (9.1), disk:
 * [GuestDiskAddress]}}]. The byte counts are present only when statvfs succeeded.
 *
 * <p>GuestDiskAddress: {@code {pci-controller: GuestPCIAddress {domain, bus, slot, function},
 * bus-type, bus, target, unit, serial? (3.1), dev? (3.1)}}; {@code ccw-address} (6.0) is s390
 * only and never sent here.
 */
public final class GuestGetFsinfo extends BaseCommand {
    public static final String NAME = "guest-get-fsinfo";
    public static final String FS_NAME = "name";
    public static final String MOUNTPOINT = "mountpoint";
    public static final String TYPE = "type";
    public static final String USED_BYTES = "used-bytes";
    public static final String TOTAL_BYTES = "total-bytes";
    public static final String TOTAL_BYTES_PRIVILEGED = "total-bytes-privileged";
    public static final String DISK = "disk";
    public static final String PCI_CONTROLLER = "pci-controller";
    public static final String BUS_TYPE = "bus-type";
    public static final String BUS = "bus";
    public static final String TARGET = "target";
    public static final String UNIT = "unit";
    public static final String SERIAL = "serial";
    public static final String DEV = "dev";

    private final GuestInfo info;

    public GuestGetFsinfo(GuestInfo info) {
        super(NAME);
        this.info = info;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        List<Object> out = new ArrayList<>();
        for (GuestInfo.Filesystem fs : info.filesystems()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(FS_NAME, fs.name());
            m.put(MOUNTPOINT, fs.mountpoint());
            m.put(TYPE, fs.type());
            if (fs.usedBytes() != null) {
                m.put(USED_BYTES, Wire.u64(fs.usedBytes()));
            }
            if (fs.totalBytes() != null) {
                m.put(TOTAL_BYTES, Wire.u64(fs.totalBytes()));
            }
            if (fs.totalBytesPrivileged() != null) {
                m.put(TOTAL_BYTES_PRIVILEGED, Wire.u64(fs.totalBytesPrivileged()));
            }
            List<Object> disks = new ArrayList<>();
            if (fs.disks() != null) {
                for (GuestInfo.DiskAddress d : fs.disks()) {
                    disks.add(diskAddress(d));
                }
            }
            m.put(DISK, disks);
            out.add(m);
        }
        return out;
    }

    /** One GuestDiskAddress. */
    public static Map<String, Object> diskAddress(GuestInfo.DiskAddress d) {
        Map<String, Object> pci = new LinkedHashMap<>();
        pci.put("domain", (long) d.pciDomain());
        pci.put("bus", (long) d.pciBus());
        pci.put("slot", (long) d.pciSlot());
        pci.put("function", (long) d.pciFunction());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(PCI_CONTROLLER, pci);
        m.put(BUS_TYPE, d.busType());
        m.put(BUS, (long) d.bus());
        m.put(TARGET, (long) d.target());
        m.put(UNIT, (long) d.unit());
        Wire.putOptional(m, SERIAL, d.serial());
        Wire.putOptional(m, DEV, d.dev());
        return m;
    }
}
