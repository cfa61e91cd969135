// SPDX-License-Identifier: Apache-2.0
package org.guestd.memory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.guestd.core.AgentException;
import org.guestd.core.env.HostPaths;
import org.guestd.jna.linux.Errno;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link VcpuControl} over sysfs, following qemu-ga's {@code transfer_vcpu}: {@code cpuN/online}
 * opened read-write, one byte read, and {@code '0'}/{@code '1'} written only when the state
 * differs. A CPU without an {@code online} file (usually cpu0) is always online: onlining it
 * "succeeds", offlining it fails with {@code logical processor #N can't be offlined}. Error texts
 * name the paths as qemu-ga does, including its double slash ({@code .../cpu1//online}).
 */
public final class SysfsVcpuControl implements VcpuControl {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.memory");

    private final HostPaths paths;
    private final Sysfs sysfs;

    public SysfsVcpuControl(HostPaths paths) {
        this(paths, new Sysfs());
    }

    SysfsVcpuControl(HostPaths paths, Sysfs sysfs) {
        this.paths = Objects.requireNonNull(paths);
        this.sysfs = Objects.requireNonNull(sysfs);
    }

    @Override
    public long set(List<Request> requests) throws AgentException {
        long processed = 0;
        for (Request r : requests) {
            try {
                apply(r);
            } catch (AgentException e) {
                if (processed == 0) {
                    throw e;
                }
                LOG.info("guest-set-vcpus stopped after {}: {}", processed, e.getMessage());
                return processed;
            }
            processed++;
        }
        return processed;
    }

    private void apply(Request r) throws AgentException {
        String dirName = "/sys/devices/system/cpu/cpu" + r.logicalId() + "/";
        Path dir = paths.sys("devices/system/cpu/cpu" + r.logicalId());
        if (!Files.isDirectory(dir)) {
            throw AgentException.generic("open(\"" + dirName + "\"): " + Errno.text(Sysfs.notADirectory(dir)));
        }
        String fileName = dirName + "/online";
        SeekableByteChannel ch;
        try {
            ch = sysfs.openReadWrite(dir.resolve("online"));
        } catch (SysfsException e) {
            if (!e.isNotFound()) {
                throw AgentException.generic(e.describe("open(\"" + fileName + "\")"));
            }
            if (!r.online()) {
                throw AgentException.generic("logical processor #" + r.logicalId() + " can't be offlined");
            }
            return; // no online file: always online, "re-onlining" succeeds
        }
        try (ch) {
            ByteBuffer one = ByteBuffer.allocate(1);
            int n;
            try {
                n = ch.read(one);
            } catch (IOException e) {
                throw AgentException.generic(Sysfs.fail(SysfsException.Op.PREAD, e).describe("pread(\"" + fileName + "\")"));
            }
            if (n <= 0) {
                throw AgentException.generic("pread(\"" + fileName + "\"): unexpected EOF");
            }
            boolean online = one.get(0) != '0';
            if (online == r.online()) {
                return;
            }
            try {
                ch.position(0);
                ch.write(ByteBuffer.wrap(new byte[] {(byte) (r.online() ? '1' : '0')}));
            } catch (IOException e) {
                throw AgentException.generic(Sysfs.fail(SysfsException.Op.PWRITE, e).describe("pwrite(\"" + fileName + "\")"));
            }
            LOG.info("cpu{} set {}", r.logicalId(), r.online() ? "online" : "offline");
        } catch (IOException e) {
            LOG.debug("closing {}: {}", fileName, e.toString()); // close after use: nothing to report
        }
    }
}
