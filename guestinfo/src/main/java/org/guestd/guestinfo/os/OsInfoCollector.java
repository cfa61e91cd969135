// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.os;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.guestinfo.GuestInfo.OsInfo;
import org.guestd.guestinfo.SystemProbes;
import org.guestd.jna.linux.Errno;

/**
 * guest-get-osinfo: {@code uname(2)} through the probes plus os-release. As in qemu-ga a failing
 * uname is an error ({@code "uname failed: …"}), a missing or broken os-release only leaves the
 * os-release fields out.
 */
public final class OsInfoCollector {
    private final SystemProbes probes;
    private final Optional<Path> override;
    private final Path etcFile;
    private final Path usrLibFile;

    /**
     * @param override the {@code QGA_OS_RELEASE} file, used alone when present
     * @param etcFile {@code <etc>/os-release}
     * @param usrLibFile the fallback, normally {@code /usr/lib/os-release}
     */
    public OsInfoCollector(SystemProbes probes, Optional<Path> override, Path etcFile, Path usrLibFile) {
        this.probes = probes;
        this.override = override;
        this.etcFile = etcFile;
        this.usrLibFile = usrLibFile;
    }

    public OsInfo collect() throws AgentException {
        SystemProbes.Uname u;
        try {
            u = probes.uname();
        } catch (IOException e) {
            throw AgentException.generic(Errno.message("uname failed", e), e);
        }
        OsRelease.Fields f = OsRelease.read(override, etcFile, usrLibFile);
        return new OsInfo(u.release(), u.version(), u.machine(), f.id(), f.name(), f.prettyName(),
                f.version(), f.versionId(), f.variant(), f.variantId());
    }
}
