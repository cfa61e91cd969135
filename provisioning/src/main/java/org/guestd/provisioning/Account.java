// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A local account as {@code /etc/passwd} lists it.
 *
 * @param name login name
 * @param uid user id
 * @param gid primary group id
 * @param home home directory (absolute, as in the passwd file)
 */
public record Account(String name, int uid, int gid, Path home) {
    public Account {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(home, "home");
    }
}
