// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import java.util.Objects;

/**
 * One SSH public key to install for the admin user.
 *
 * @param keyData the key as one authorized_keys line ({@code "ssh-ed25519 AAAA… comment"})
 * @param path the file the platform asked for ({@code /home/u/.ssh/authorized_keys}), or null for
 *     the default {@code ~/.ssh/authorized_keys}; a path outside the user's home is not used
 * @param source where the key came from
 */
public record SshKey(String keyData, String path, String source) {
    public SshKey {
        Objects.requireNonNull(keyData, "keyData");
        Objects.requireNonNull(source, "source");
    }

    @Override
    public String toString() {
        // keys are public, but long: the audit shows the type and comment only
        String[] f = keyData.strip().split("\\s+");
        return "SshKey[" + (f.length > 0 ? f[0] : "") + (f.length > 2 ? " " + f[f.length - 1] : "")
                + ", path=" + path + ", source=" + source + "]";
    }
}
