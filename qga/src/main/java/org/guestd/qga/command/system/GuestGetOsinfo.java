// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.system;

import java.util.LinkedHashMap;
import java.util.Map;
import org.guestd.core.AgentException;
import org.guestd.guestinfo.GuestInfo;
import org.guestd.qga.command.Wire;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;

/**
 * {@code guest-get-osinfo} (Since: 2.10): GuestOSInfo, every member optional and omitted when
 * unknown: uname fields plus os-release(5) fields.
 */
public final class GuestGetOsinfo extends BaseCommand {
    public static final String NAME = "guest-get-osinfo";
    public static final String KERNEL_RELEASE = "kernel-release";
    public static final String KERNEL_VERSION = "kernel-version";
    public static final String MACHINE = "machine";
    public static final String ID = "id";
    public static final String OS_NAME = "name";
    public static final String PRETTY_NAME = "pretty-name";
    public static final String VERSION = "version";
    public static final String VERSION_ID = "version-id";
    public static final String VARIANT = "variant";
    public static final String VARIANT_ID = "variant-id";

    private final GuestInfo info;

    public GuestGetOsinfo(GuestInfo info) {
        super(NAME);
        this.info = info;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        GuestInfo.OsInfo os = info.osInfo();
        Map<String, Object> m = new LinkedHashMap<>();
        Wire.putOptional(m, KERNEL_RELEASE, os.kernelRelease());
        Wire.putOptional(m, KERNEL_VERSION, os.kernelVersion());
        Wire.putOptional(m, MACHINE, os.machine());
        Wire.putOptional(m, ID, os.id());
        Wire.putOptional(m, OS_NAME, os.name());
        Wire.putOptional(m, PRETTY_NAME, os.prettyName());
        Wire.putOptional(m, VERSION, os.version());
        Wire.putOptional(m, VERSION_ID, os.versionId());
        Wire.putOptional(m, VARIANT, os.variant());
        Wire.putOptional(m, VARIANT_ID, os.variantId());
        return m;
    }
}
