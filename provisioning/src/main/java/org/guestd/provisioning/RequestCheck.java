// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The whole request checked before anything changes: user name {@code [A-Za-z_][A-Za-z0-9_.-]{0,31}}
 * (never an option to the shadow tools), host name (RFC 1123 labels, at most 64 characters:
 * sethostname's limit), every key usable ({@link AuthorizedKeys}), a given password non-empty.
 */
final class RequestCheck {
    private static final Pattern USER = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,31}");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    private RequestCheck() {}

    /** A request that must not be applied, with the source of the bad value. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;
        final String source;

        Invalid(String source, String message) {
            super(message);
            this.source = source;
        }
    }

    /** Checks {@code req}; returns its keys with their normalised authorized_keys lines, in order. */
    static Map<SshKey, String> check(ProvisioningRequest req) throws Invalid {
        String user = req.adminUser().value();
        if (!USER.matcher(user).matches()) {
            throw new Invalid(req.adminUser().source(), "'" + printable(user) + "' is not a valid user name");
        }
        if (req.hostName() != null && !validHostName(req.hostName().value())) {
            throw new Invalid(req.hostName().source(), "'" + printable(req.hostName().value()) + "' is not a valid host name");
        }
        Map<SshKey, String> keys = new LinkedHashMap<>();
        int i = 0;
        for (SshKey k : req.sshKeys()) {
            i++;
            try {
                keys.put(k, AuthorizedKeys.normalise(k.keyData()));
            } catch (AuthorizedKeys.InvalidKeyException e) {
                throw new Invalid(k.source(), "SSH key " + i + " of " + req.sshKeys().size()
                        + " is not a usable public key: " + e.getMessage());
            }
        }
        if (req.password() != null && req.password().value().isEmpty()) {
            throw new Invalid(req.password().source(), "the password is empty");
        }
        return keys;
    }

    static boolean validHostName(String name) {
        if (name.isEmpty() || name.length() > 64) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    private static String printable(String s) {
        String t = s.length() > 64 ? s.substring(0, 64) + "…" : s;
        return t.replaceAll("[^\\x20-\\x7e…]", "?");
    }
}
