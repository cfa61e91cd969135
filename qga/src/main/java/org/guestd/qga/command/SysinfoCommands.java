// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command;

import java.util.List;
import org.guestd.guestinfo.GuestInfo;
import org.guestd.qga.command.disk.GuestGetDiskstats;
import org.guestd.qga.command.disk.GuestGetDisks;
import org.guestd.qga.command.network.GuestNetworkGetRoute;
import org.guestd.qga.command.system.GuestGetCpustats;
import org.guestd.qga.command.system.GuestGetDevices;
import org.guestd.qga.command.system.GuestGetLoad;
import org.guestd.qga.dispatch.QgaCommand;

/**
 * The read-only system information commands over {@link GuestInfo}: guest-get-disks,
 * guest-get-diskstats, guest-get-cpustats, guest-get-load, guest-network-get-route, and
 * guest-get-devices (registered, always disabled, as qemu-ga 7.2 on Linux).
 */
public final class SysinfoCommands {
    private SysinfoCommands() {}

    public static List<QgaCommand> all(GuestInfo info) {
        return List.of(new GuestGetDisks(info), new GuestGetDiskstats(info), new GuestGetCpustats(info),
                new GuestGetLoad(info), new GuestNetworkGetRoute(info), new GuestGetDevices());
    }
}
