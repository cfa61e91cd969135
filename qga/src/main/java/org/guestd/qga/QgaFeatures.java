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
import org.guestd.memory.MemorySampler;
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
 * @param memoryStats the memory sampler ({@code __org.guestd_guest-get-memory-stats})
 */
public record QgaFeatures(GuestInfo info, Clock clock, Optional<Heartbeat> heartbeat, Optional<TimeSync> time,
        Optional<FsFreezer> freezer, Optional<FsTrimmer> trimmer, Optional<PowerControl> power,
        Optional<MemoryBlocks> memoryBlocks, Optional<VcpuControl> vcpus, Optional<ProcessRunner> processes,
        Optional<FileHandles> files, Optional<Accounts> accounts, Optional<MemorySampler> memoryStats) {
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
        Objects.requireNonNull(memoryStats, "memoryStats");
    }

    /**
     * Only guest information and the clock; every other feature absent. Tests add what they need
     * with the {@code with…} methods.
     */
    public static QgaFeatures of(GuestInfo info, Clock clock) {
        return new Builder(info, clock).build();
    }

    public QgaFeatures withHeartbeat(Heartbeat h) {
        return toBuilder().heartbeat(h).build();
    }

    public QgaFeatures withTime(TimeSync t) {
        return toBuilder().time(t).build();
    }

    public QgaFeatures withFreeze(FsFreezer f, FsTrimmer t) {
        return toBuilder().freeze(f, t).build();
    }

    public QgaFeatures withPower(PowerControl p) {
        return toBuilder().power(p).build();
    }

    public QgaFeatures withMemory(MemoryBlocks m, VcpuControl v) {
        return toBuilder().memory(m, v).build();
    }

    public QgaFeatures withProcesses(ProcessRunner r) {
        return toBuilder().processes(r).build();
    }

    public QgaFeatures withFiles(FileHandles f) {
        return toBuilder().files(f).build();
    }

    public QgaFeatures withAccounts(Accounts a) {
        return toBuilder().accounts(a).build();
    }

    public QgaFeatures withMemoryStats(MemorySampler m) {
        return toBuilder().memoryStats(m).build();
    }

    /** A builder holding this record's features. */
    public Builder toBuilder() {
        Builder b = new Builder(info, clock);
        b.heartbeat = heartbeat;
        b.time = time;
        b.freezer = freezer;
        b.trimmer = trimmer;
        b.power = power;
        b.memoryBlocks = memoryBlocks;
        b.vcpus = vcpus;
        b.processes = processes;
        b.files = files;
        b.accounts = accounts;
        b.memoryStats = memoryStats;
        return b;
    }

    /** Builds the record one feature at a time; a feature never set is empty. */
    public static final class Builder {
        private final GuestInfo info;
        private final Clock clock;
        private Optional<Heartbeat> heartbeat = Optional.empty();
        private Optional<TimeSync> time = Optional.empty();
        private Optional<FsFreezer> freezer = Optional.empty();
        private Optional<FsTrimmer> trimmer = Optional.empty();
        private Optional<PowerControl> power = Optional.empty();
        private Optional<MemoryBlocks> memoryBlocks = Optional.empty();
        private Optional<VcpuControl> vcpus = Optional.empty();
        private Optional<ProcessRunner> processes = Optional.empty();
        private Optional<FileHandles> files = Optional.empty();
        private Optional<Accounts> accounts = Optional.empty();
        private Optional<MemorySampler> memoryStats = Optional.empty();

        public Builder(GuestInfo info, Clock clock) {
            this.info = info;
            this.clock = clock;
        }

        public Builder heartbeat(Heartbeat h) {
            heartbeat = Optional.of(h);
            return this;
        }

        public Builder time(TimeSync t) {
            time = Optional.of(t);
            return this;
        }

        /** The freeze feature, or neither part when {@code f} is empty. */
        public Builder freeze(FsFreezer f, FsTrimmer t) {
            freezer = Optional.ofNullable(f);
            trimmer = Optional.ofNullable(t);
            return this;
        }

        public Builder power(PowerControl p) {
            power = Optional.of(p);
            return this;
        }

        public Builder memory(MemoryBlocks m, VcpuControl v) {
            memoryBlocks = Optional.ofNullable(m);
            vcpus = Optional.ofNullable(v);
            return this;
        }

        public Builder processes(ProcessRunner r) {
            processes = Optional.of(r);
            return this;
        }

        public Builder files(FileHandles f) {
            files = Optional.of(f);
            return this;
        }

        public Builder accounts(Accounts a) {
            accounts = Optional.of(a);
            return this;
        }

        public Builder memoryStats(MemorySampler m) {
            memoryStats = Optional.of(m);
            return this;
        }

        public QgaFeatures build() {
            return new QgaFeatures(info, clock, heartbeat, time, freezer, trimmer, power, memoryBlocks, vcpus,
                    processes, files, accounts, memoryStats);
        }
    }
}
