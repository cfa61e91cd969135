// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.disk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.guestd.core.AgentException;
import org.guestd.guestinfo.GuestInfo;
import org.guestd.guestinfo.GuestInfo.NvmeSmart;
import org.guestd.guestinfo.GuestInfo.U128;
import org.guestd.qga.command.Wire;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;

/**
 * {@code guest-get-disks} (Since: 5.2): [GuestDiskInfo {@code {name, partition: bool,
 * dependencies?: [str], address?: GuestDiskAddress, alias?: str, smart?: GuestDiskSmart (7.1)}}].
 * The address is guest-get-fsinfo's GuestDiskAddress ({@link GuestGetFsinfo#diskAddress}); smart
 * is the flat union {@code {type: "nvme", critical-warning…}} of GuestNVMeSmart.
 */
public final class GuestGetDisks extends BaseCommand {
    public static final String NAME = "guest-get-disks";

    private final GuestInfo info;

    public GuestGetDisks(GuestInfo info) {
        super(NAME);
        this.info = info;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        List<Object> out = new ArrayList<>();
        for (GuestInfo.BlockDevice d : info.blockDevices()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", d.name());
            m.put("partition", d.partition());
            if (d.dependencies() != null) {
                m.put("dependencies", new ArrayList<Object>(d.dependencies()));
            }
            if (d.address() != null) {
                m.put("address", GuestGetFsinfo.diskAddress(d.address()));
            }
            Wire.putOptional(m, "alias", d.alias());
            if (d.smart() != null) {
                m.put("smart", smart(d.smart()));
            }
            out.add(m);
        }
        return out;
    }

    /** GuestDiskSmart of type nvme. */
    static Map<String, Object> smart(NvmeSmart s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "nvme");
        m.put("critical-warning", (long) s.criticalWarning());
        m.put("temperature", (long) s.temperature());
        m.put("available-spare", (long) s.availableSpare());
        m.put("available-spare-threshold", (long) s.availableSpareThreshold());
        m.put("percentage-used", (long) s.percentageUsed());
        u128(m, "data-units-read", s.dataUnitsRead());
        u128(m, "data-units-written", s.dataUnitsWritten());
        u128(m, "host-read-commands", s.hostReadCommands());
        u128(m, "host-write-commands", s.hostWriteCommands());
        u128(m, "controller-busy-time", s.controllerBusyTime());
        u128(m, "power-cycles", s.powerCycles());
        u128(m, "power-on-hours", s.powerOnHours());
        u128(m, "unsafe-shutdowns", s.unsafeShutdowns());
        u128(m, "media-errors", s.mediaErrors());
        u128(m, "number-of-error-log-entries", s.errorLogEntries());
        return m;
    }

    private static void u128(Map<String, Object> m, String name, U128 v) {
        m.put(name + "-lo", Wire.u64(v.lo()));
        m.put(name + "-hi", Wire.u64(v.hi()));
    }
}
