// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command;

import java.util.List;
import org.guestd.core.env.Clock;
import org.guestd.guestinfo.GuestInfo;
import org.guestd.qga.command.control.GuestInfoCommand;
import org.guestd.qga.command.control.GuestPing;
import org.guestd.qga.command.control.GuestSync;
import org.guestd.qga.command.control.GuestSyncDelimited;
import org.guestd.qga.command.disk.GuestGetFsinfo;
import org.guestd.qga.command.network.GuestNetworkGetInterfaces;
import org.guestd.qga.command.system.GuestGetHostName;
import org.guestd.qga.command.system.GuestGetOsinfo;
import org.guestd.qga.command.system.GuestGetUsers;
import org.guestd.qga.command.system.GuestGetVcpus;
import org.guestd.qga.command.time.GuestGetTime;
import org.guestd.qga.command.time.GuestGetTimezone;
import org.guestd.qga.dispatch.CommandRegistry;
import org.guestd.qga.dispatch.QgaCommand;

/** The commands guestd implements, in qemu's schema order. */
public final class QgaCommands {
    private QgaCommands() {}

    /**
     * Builds the implemented commands.
     *
     * @param registry the registry guest-info reports on (the commands are not added to it here)
     * @param version the agent version guest-info reports
     */
    public static List<QgaCommand> all(GuestInfo info, Clock clock, CommandRegistry registry, String version) {
        return List.of(
                new GuestSyncDelimited(),
                new GuestSync(),
                new GuestPing(),
                new GuestGetTime(clock),
                new GuestInfoCommand(registry, version),
                new GuestNetworkGetInterfaces(info),
                new GuestGetVcpus(info),
                new GuestGetFsinfo(info),
                new GuestGetHostName(info),
                new GuestGetUsers(info),
                new GuestGetTimezone(info),
                new GuestGetOsinfo(info));
    }
}
