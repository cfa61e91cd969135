// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthorizedKeysTest {
    static final String BLOB = "AAAAC3NzaC1lZDI1NTE5AAAAIMmKbz9Ku1WAw5ohWmo6xyVtdxd9DdSm0mXt2M1nsTNB";

    @Test
    void normalisesUsableKeys() throws Exception {
        assertEquals("ssh-ed25519 " + BLOB + " alice@laptop",
                AuthorizedKeys.normalise("  ssh-ed25519\t" + BLOB + "   alice@laptop \r\n"));
        assertEquals("ssh-ed25519 " + BLOB, AuthorizedKeys.normalise("ssh-ed25519 " + BLOB));
    }

    @Test
    void refusesWhatSshdCouldNotUse() {
        Map<String, String> bad = Map.of(
                "", "empty",
                "ssh-ed25519", "no key data",
                "ssh-foo " + BLOB, "unknown key type",
                "ssh-rsa " + BLOB, "is a 'ssh-ed25519' key, not ssh-rsa",
                "ssh-ed25519 !!!", "not base64",
                "ssh-ed25519 AAAA", "too short",
                "ssh-ed25519 " + BLOB + " a\nssh-rsa AAAA b", "more than one line",
                "command=\"rm -rf /\" ssh-ed25519 " + BLOB, "unknown key type",
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5", "holds no key");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            AuthorizedKeys.InvalidKeyException x = assertThrows(AuthorizedKeys.InvalidKeyException.class,
                    () -> AuthorizedKeys.normalise(e.getKey()), e.getKey());
            assertTrue(x.getMessage().contains(e.getValue()), e.getKey() + " -> " + x.getMessage());
        }
        assertThrows(AuthorizedKeys.InvalidKeyException.class,
                () -> AuthorizedKeys.normalise("ssh-ed25519 " + "A".repeat(AuthorizedKeys.MAX_LINE)));
    }

    @Test
    void refusesControlCharactersAnywhereButKeepsTabs() throws Exception {
        // found by InstanceMetadataFuzzTest: a comment with BEL/ESC went into authorized_keys and the audit log
        for (String c : new String[] {"\u0007", "\u001b[2J", "\u007f", "\u0085", "\u2028", "\u0001"}) {
            AuthorizedKeys.InvalidKeyException x = assertThrows(AuthorizedKeys.InvalidKeyException.class,
                    () -> AuthorizedKeys.normalise("ssh-ed25519 " + BLOB + " alice" + c + "x"), c);
            assertTrue(x.getMessage().contains("control character"), x.getMessage());
        }
        assertEquals("ssh-ed25519 " + BLOB + " alice\tat laptop", AuthorizedKeys.normalise("ssh-ed25519 " + BLOB + " alice\tat laptop"));
        assertEquals("ssh-ed25519 " + BLOB + " zoë", AuthorizedKeys.normalise("ssh-ed25519 " + BLOB + " zoë"));
    }
}
