// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command;

import java.util.ArrayList;
import java.util.List;
import org.guestd.guestinfo.GuestInfo;
import org.guestd.qga.QgaFeatures;
import org.guestd.qga.command.control.GuestInfoCommand;
import org.guestd.qga.command.control.GuestPing;
import org.guestd.qga.command.control.GuestSync;
import org.guestd.qga.command.control.GuestSyncDelimited;
import org.guestd.qga.command.disk.GuestGetFsinfo;
import org.guestd.qga.command.exec.ExecCommands;
import org.guestd.qga.command.file.FileCommands;
import org.guestd.qga.command.memory.GuestGetMemoryStats;
import org.guestd.qga.command.memory.MemoryCommands;
import org.guestd.qga.command.network.GuestNetworkGetInterfaces;
import org.guestd.qga.command.power.PowerCommands;
import org.guestd.qga.command.system.GuestGetHostName;
import org.guestd.qga.command.system.GuestGetOsinfo;
import org.guestd.qga.command.system.GuestGetUsers;
import org.guestd.qga.command.system.GuestGetVcpus;
import org.guestd.qga.command.time.GuestGetTime;
import org.guestd.qga.command.time.GuestGetTimezone;
import org.guestd.qga.command.user.UserCommands;
import org.guestd.qga.command.time.GuestSetTime;
import org.guestd.qga.dispatch.QgaCommand;
import org.guestd.qga.command.freeze.FreezeCommands;
import org.guestd.qga.dispatch.CommandRegistry;

/** The commands guestd implements, in qemu's schema order. */
public final class QgaCommands {
    private QgaCommands() {}

    /**
     * Builds the implemented commands (the registry sorts them into schema order). Each feature
     * area adds its commands with one {@code addAll} line here.
     */
    public static List<QgaCommand> all(QgaFeatures f, CommandRegistry registry, String version) {
        GuestInfo info = f.info();
        List<QgaCommand> out = new ArrayList<>(List.of(
                new GuestSyncDelimited(f.heartbeat()),
                new GuestSync(f.heartbeat()),
                new GuestPing(f.heartbeat()),
                new GuestGetTime(f.clock()),
                new GuestInfoCommand(registry, version),
                new GuestNetworkGetInterfaces(info),
                new GuestGetVcpus(info),
                new GuestGetFsinfo(info),
                new GuestGetHostName(info),
                new GuestGetUsers(info),
                new GuestGetTimezone(info),
                new GuestGetOsinfo(info),
                new GuestSetTime(f.time())));
        out.addAll(SysinfoCommands.all(info));
        out.addAll(FileCommands.all(f.files()));
        out.addAll(ExecCommands.all(f.processes()));
        out.addAll(UserCommands.all(f.accounts()));
        out.addAll(FreezeCommands.all(f.freezer(), f.trimmer(), registry));
        out.addAll(PowerCommands.all(f.power()));
        out.addAll(MemoryCommands.all(f.memoryBlocks(), f.vcpus()));
        out.add(new GuestGetMemoryStats(f.memoryStats(), f.clock()));
        return out;
    }
}
