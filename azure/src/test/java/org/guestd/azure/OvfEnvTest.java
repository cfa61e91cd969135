// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OvfEnvTest {

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = OvfEnvTest.class.getResourceAsStream("/ovf/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void fullDocument() throws Exception {
        OvfEnv e = OvfEnv.parse(fixture("full.xml"));
        assertEquals("vm-ovf-01", e.hostName());
        assertEquals("azureuser", e.userName());
        assertFalse(e.password().isEmpty());
        assertEquals(Boolean.FALSE, e.disableSshPasswordAuthentication());
        assertArrayEquals("#!/bin/sh\necho must never run\n".getBytes(StandardCharsets.UTF_8), e.customData());
        assertEquals(2, e.publicKeys().size());
        assertEquals("/home/azureuser/.ssh/authorized_keys", e.publicKeys().get(0).path());
        assertTrue(e.publicKeys().get(0).value().startsWith("ssh-ed25519 AAAA"));
        assertEquals("0011223344556677889900AABBCCDDEEFF001122", e.publicKeys().get(1).fingerprint());
        assertNull(e.publicKeys().get(1).value(), "a key given only by fingerprint has no value");
        assertEquals(Boolean.FALSE, e.provisionGuestAgent());
        assertEquals(Boolean.FALSE, e.preprovisionedVm());
        assertFalse(e.toString().contains("S3cret"), "the password never appears in toString: " + e);
        assertFalse(e.password().toString().contains("S3cret"));
    }

    @Test
    void minimalDocumentWithOtherPrefixes() throws Exception {
        OvfEnv e = OvfEnv.parse(fixture("minimal.xml"));
        assertEquals("min-host", e.hostName());
        assertEquals("bob", e.userName());
        assertNull(e.password());
        assertNull(e.disableSshPasswordAuthentication());
        assertNull(e.customData());
        assertTrue(e.publicKeys().isEmpty());
        assertNull(e.provisionGuestAgent());
    }

    @Test
    void missingHostNameIsRejected() {
        XmlException x = assertThrows(XmlException.class, () -> OvfEnv.parse(fixture("missing-hostname.xml")));
        assertTrue(x.getMessage().contains("HostName is missing"), x.getMessage());
    }

    @Test
    void elementsInTheWrongNamespaceDoNotCount() {
        XmlException x = assertThrows(XmlException.class, () -> OvfEnv.parse(fixture("wrong-namespace-hostname.xml")));
        assertTrue(x.getMessage().contains("HostName is missing"), x.getMessage());
        x = assertThrows(XmlException.class, () -> OvfEnv.parse(fixture("wrong-namespace-root.xml")));
        assertTrue(x.getMessage().contains("root element"), x.getMessage());
        x = assertThrows(XmlException.class, () -> OvfEnv.parse(fixture("wrong-namespace-azure.xml")));
        assertTrue(x.getMessage().contains("ProvisioningSection is missing"), x.getMessage());
    }

    @Test
    void duplicatesAndBadValuesAreRejected() {
        XmlException x = assertThrows(XmlException.class, () -> OvfEnv.parse(fixture("duplicate-hostname.xml")));
        assertTrue(x.getMessage().contains("more than one HostName"), x.getMessage());
        x = assertThrows(XmlException.class, () -> OvfEnv.parse(fixture("bad-boolean.xml")));
        assertTrue(x.getMessage().contains("not true or false"), x.getMessage());
        x = assertThrows(XmlException.class, () -> OvfEnv.parse(fixture("truncated.xml")));
        assertTrue(x.getMessage().contains("malformed"), x.getMessage());
        x = assertThrows(XmlException.class, () -> OvfEnv.parse(new byte[0]));
        assertTrue(x.getMessage().contains("malformed"), x.getMessage());
    }

    @Test
    void entityExpansionIsRefusedQuickly() {
        // a billion laughs: 10^9 "lol"s if entities were expanded; the DOCTYPE itself is refused
        XmlException x = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(XmlException.class, () -> OvfEnv.parse(fixture("entity-expansion.xml"))));
        assertTrue(x.getMessage().contains("DOCTYPE"), x.getMessage());
    }

    @Test
    void externalEntitiesDtdsAndXincludeAreNotFollowed() throws Exception {
        XmlException x = assertThrows(XmlException.class, () -> OvfEnv.parse(fixture("external-entity.xml")));
        assertTrue(x.getMessage().contains("DOCTYPE"), x.getMessage());
        assertFalse(x.getMessage().contains("root:"), "no content of /etc/passwd in the error");
        x = assertThrows(XmlException.class, () -> OvfEnv.parse(fixture("external-dtd.xml")));
        assertTrue(x.getMessage().contains("DOCTYPE"), x.getMessage());
        // XInclude is off: the include element stays an (ignored) element, the user name is empty
        x = assertThrows(XmlException.class, () -> OvfEnv.parse(fixture("xinclude.xml")));
        assertTrue(x.getMessage().contains("UserName is missing"), x.getMessage());
    }

    @Test
    void oversizedDocumentIsRejectedBeforeParsing() {
        byte[] big = new byte[OvfEnv.MAX_BYTES + 1];
        XmlException x = assertThrows(XmlException.class, () -> OvfEnv.parse(big));
        assertTrue(x.getMessage().contains("over the limit"), x.getMessage());
    }
}
