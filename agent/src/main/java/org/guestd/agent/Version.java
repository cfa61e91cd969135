// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** guestd's version, from the build (reported by {@code -V} and QGA {@code guest-info}). */
final class Version {
    private Version() {}

    static String get() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
