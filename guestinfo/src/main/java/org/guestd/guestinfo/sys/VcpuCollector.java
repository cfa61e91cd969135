// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.sys;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.guestd.core.AgentException;
import org.guestd.guestinfo.GuestInfo.Vcpu;
import org.guestd.guestinfo.util.SysfsTree;
import org.guestd.jna.linux.Errno;

/**
 * guest-get-vcpus as qemu-ga 7.2 builds it: every entry of {@code /sys/devices/system/cpu} in
 * readdir order (so {@code cpu1} before {@code cpu0}, see {@link org.guestd.guestinfo.util.KernfsOrder})
 * whose name scans as {@code "cpu%ld"}; {@code online} is the first byte of
 * {@code cpuN/online} != '0' and can-offline true, or online without can-offline when the file
 * does not exist. Any other failure fails the whole command with qemu's message.
 */
public final class VcpuCollector {
    private static final String CPU_DIR = "/sys/devices/system/cpu";

    private final SysfsTree sys;

    public VcpuCollector(SysfsTree sys) {
        this.sys = sys;
    }

    public List<Vcpu> collect() throws AgentException {
        List<String> names;
        try {
            names = sys.list(CPU_DIR);
        } catch (IOException e) {
            throw AgentException.generic(Errno.message("failed to list entries: " + CPU_DIR, e), e);
        }
        List<Vcpu> out = new ArrayList<>();
        for (String name : names) {
            Long id = cpuId(name);
            if (id == null) {
                continue;
            }
            out.add(read(id));
        }
        return out;
    }

    /** {@code sscanf(name, "cpu%ld", &id)} succeeding, or null. */
    static Long cpuId(String name) {
        if (!name.startsWith("cpu")) {
            return null;
        }
        int i = 3;
        while (i < name.length() && Character.isWhitespace(name.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < name.length() && (name.charAt(i) == '+' || name.charAt(i) == '-')) {
            neg = name.charAt(i) == '-';
            i++;
        }
        int start = i;
        long v = 0;
        while (i < name.length() && name.charAt(i) >= '0' && name.charAt(i) <= '9') {
            int d = name.charAt(i) - '0';
            v = v > (Long.MAX_VALUE - d) / 10 ? Long.MAX_VALUE : v * 10 + d;
            i++;
        }
        if (i == start) {
            return null;
        }
        return neg ? -v : v;
    }

    private Vcpu read(long id) throws AgentException {
        String dir = CPU_DIR + "/cpu" + id + "/";
        Path hostDir = sys.host(dir);
        if (!Files.isDirectory(hostDir)) {
            IOException why = Files.exists(hostDir) ? new NotDirectoryException(dir) : new NoSuchFileException(dir);
            throw AgentException.generic(Errno.message("open(\"" + dir + "\")", why));
        }
        String online = dir + "/online";
        try (InputStream in = Files.newInputStream(hostDir.resolve("online"))) {
            int b = in.read();
            if (b < 0) {
                throw AgentException.generic("pread(\"" + online + "\"): unexpected EOF");
            }
            return new Vcpu((int) id, b != '0', true);
        } catch (NoSuchFileException e) {
            return new Vcpu((int) id, true, false);
        } catch (IOException e) {
            throw AgentException.generic(Errno.message("open(\"" + online + "\")", e), e);
        }
    }
}
