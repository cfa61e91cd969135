// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.guestd.core.AgentException;
import org.guestd.guestinfo.SystemProbes;
import org.guestd.jna.linux.Errno;

/**
 * guest-get-host-name: what {@code gethostname(2)} returns in this UTS namespace, read from
 * {@code <proc>/sys/kernel/hostname} (uname's nodename through the probes if that file is
 * missing). qemu-ga calls {@code gethostname(buf, sysconf(_SC_HOST_NAME_MAX))}, i.e. with 64
 * bytes, and glibc then refuses a name of 64 characters with ENAMETOOLONG: that is reproduced.
 */
public final class HostNameCollector {
    /** sysconf(_SC_HOST_NAME_MAX) on Linux. */
    static final int HOST_NAME_MAX = 64;

    private final Path hostnameFile;
    private final SystemProbes probes;

    public HostNameCollector(Path hostnameFile, SystemProbes probes) {
        this.hostnameFile = hostnameFile;
        this.probes = probes;
    }

    public String collect() throws AgentException {
        String name;
        try {
            name = parse(Files.readAllBytes(hostnameFile));
        } catch (NoSuchFileException e) {
            try {
                name = probes.uname().nodename();
            } catch (IOException e2) {
                throw AgentException.generic(Errno.message("cannot get hostname", e2), e2);
            }
        } catch (IOException e) {
            throw AgentException.generic(Errno.message("cannot get hostname", e), e);
        }
        if (name.getBytes(StandardCharsets.UTF_8).length + 1 > HOST_NAME_MAX) {
            throw AgentException.generic("cannot get hostname: File name too long");
        }
        return name;
    }

    /** The file holds the name and a newline. */
    static String parse(byte[] data) {
        int end = data.length;
        if (end > 0 && data[end - 1] == '\n') {
            end--;
        }
        for (int i = 0; i < end; i++) {
            if (data[i] == 0) {
                end = i;
                break;
            }
        }
        return new String(data, 0, end, StandardCharsets.UTF_8);
    }
}
