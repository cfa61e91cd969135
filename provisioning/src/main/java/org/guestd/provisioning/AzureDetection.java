// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Locale;
import org.guestd.core.env.HostPaths;

/**
 * Whether this guest runs on Azure: the DMI chassis asset tag Azure sets on every VM, as
 * cloud-init's ds-identify checks it. A Hyper-V guest without the tag (on-premises Hyper-V) is not
 * Azure; this machine's own QEMU VM suite sets the tag with {@code -smbios type=3,asset=…}.
 */
public final class AzureDetection {
    /** Azure's chassis asset tag. */
    public static final String ASSET_TAG = "7783-7084-3265-9085-8269-3286-77";

    private AzureDetection() {}

    /** True when {@code /sys/class/dmi/id/chassis_asset_tag} holds Azure's tag. */
    public static boolean onAzure(HostPaths paths) {
        try {
            return ASSET_TAG.equals(Files.readString(paths.sys("class/dmi/id/chassis_asset_tag"), StandardCharsets.US_ASCII)
                    .strip());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The SMBIOS system UUID, the VM id when IMDS cannot be asked; null when unreadable. */
    public static String productUuid(HostPaths paths) {
        try {
            String s = Files.readString(paths.sys("class/dmi/id/product_uuid"), StandardCharsets.US_ASCII).strip();
            return s.isEmpty() ? null : s.toLowerCase(Locale.ROOT);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
