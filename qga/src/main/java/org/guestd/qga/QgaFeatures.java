// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga;

import java.util.Objects;
import java.util.Optional;
import org.guestd.accounts.Accounts;
import org.guestd.core.env.Clock;
import org.guestd.files.FileHandles;
import org.guestd.freeze.FsFreezer;
import org.guestd.freeze.FsTrimmer;
import org.guestd.guestinfo.GuestInfo;
import org.guestd.heartbeat.Heartbeat;
import org.guestd.memory.MemoryBlocks;
import org.guestd.memory.VcpuControl;
import org.guestd.process.ProcessRunner;
import org.guestd.shutdown.PowerControl;
import org.guestd.timesync.TimeSync;

/**
 * The feature APIs the QGA commands act on, handed to {@link QgaService} by the composition root.
 * Each command gets its feature through its constructor from here; an empty feature is answered as
 * qemu-ga answers without it (a disabled command, or its "not supported" error).
 *
 * @param info the guestinfo feature (always present: qemu-ga's queries need no privilege)
 * @param clock read-only clock (guest-get-time)
 * @param heartbeat told of every ping and sync
 * @param time guest-set-time
 * @param freezer guest-fsfreeze-*
 * @param trimmer guest-fstrim
 * @param power guest-shutdown, guest-suspend-*
 * @param memoryBlocks guest-get/set-memory-block*
 * @param vcpus guest-set-vcpus
 * @param processes guest-exec, guest-exec-status
 * @param files guest-file-*
 * @param accounts guest-set-user-password, guest-ssh-*-authorized-keys
 */
public record QgaFeatures(GuestInfo info, Clock clock, Optional<Heartbeat> heartbeat, Optional<TimeSync> time,
        Optional<FsFreezer> freezer, Optional<FsTrimmer> trimmer, Optional<PowerControl> power,
        Optional<MemoryBlocks> memoryBlocks, Optional<VcpuControl> vcpus, Optional<ProcessRunner> processes,
        Optional<FileHandles> files, Optional<Accounts> accounts) {
    public QgaFeatures {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(freezer, "freezer");
        Objects.requireNonNull(trimmer, "trimmer");
        Objects.requireNonNull(power, "power");
        Objects.requireNonNull(memoryBlocks, "memoryBlocks");
        Objects.requireNonNull(vcpus, "vcpus");
        Objects.requireNonNull(processes, "processes");
        Objects.requireNonNull(files, "files");
        Objects.requireNonNull(accounts, "accounts");
    }

    /**
     * Only guest information and the clock; every other feature absent. Tests add what they need
     * with the {@code with…} methods.
     */
    public static QgaFeatures of(GuestInfo info, Clock clock) {
        return new QgaFeatures(info, clock, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    public QgaFeatures withHeartbeat(Heartbeat h) {
        return new QgaFeatures(info, clock, Optional.of(h), time, freezer, trimmer, power, memoryBlocks, vcpus,
                processes, files, accounts);
    }

    public QgaFeatures withTime(TimeSync t) {
        return new QgaFeatures(info, clock, heartbeat, Optional.of(t), freezer, trimmer, power, memoryBlocks, vcpus,
                processes, files, accounts);
    }

    public QgaFeatures withFreeze(FsFreezer f, FsTrimmer t) {
        return new QgaFeatures(info, clock, heartbeat, time, Optional.of(f), Optional.ofNullable(t), power,
                memoryBlocks, vcpus, processes, files, accounts);
    }

    public QgaFeatures withPower(PowerControl p) {
        return new QgaFeatures(info, clock, heartbeat, time, freezer, trimmer, Optional.of(p), memoryBlocks, vcpus,
                processes, files, accounts);
    }

    public QgaFeatures withMemory(MemoryBlocks m, VcpuControl v) {
        return new QgaFeatures(info, clock, heartbeat, time, freezer, trimmer, power, Optional.ofNullable(m),
                Optional.ofNullable(v), processes, files, accounts);
    }

    public QgaFeatures withProcesses(ProcessRunner r) {
        return new QgaFeatures(info, clock, heartbeat, time, freezer, trimmer, power, memoryBlocks, vcpus,
                Optional.of(r), files, accounts);
    }

    public QgaFeatures withFiles(FileHandles f) {
        return new QgaFeatures(info, clock, heartbeat, time, freezer, trimmer, power, memoryBlocks, vcpus,
                processes, Optional.of(f), accounts);
    }

    public QgaFeatures withAccounts(Accounts a) {
        return new QgaFeatures(info, clock, heartbeat, time, freezer, trimmer, power, memoryBlocks, vcpus,
                processes, files, Optional.of(a));
    }
}
