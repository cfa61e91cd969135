// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.Optional;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.XMLStreamConstants;
import org.guestd.provisioning.ProvisioningRequest;
import org.guestd.provisioning.RequestChecks;
import org.guestd.provisioning.SshKey;

/** What the Azure fuzz targets check of an accepted document. */
final class FuzzChecks {
    private FuzzChecks() {}

    /**
     * An accepted document has no DOCTYPE, so nothing in it was an entity (internal, external or a
     * parameter entity): seen by the JDK's StAX reader with DTDs and external entities off, which
     * reports a DOCTYPE as an event instead of processing it.
     */
    static void noDoctype(byte[] xml) {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        try {
            XMLStreamReader r = f.createXMLStreamReader(new ByteArrayInputStream(xml));
            while (r.hasNext()) {
                int e = r.next();
                if (e == XMLStreamConstants.DTD) {
                    fail("a document with a DOCTYPE was accepted");
                }
                if (e == XMLStreamConstants.START_ELEMENT) {
                    return; // a DOCTYPE can only come before the root
                }
            }
        } catch (XMLStreamException e) {
            // StAX is stricter in places (or reads encodings differently): no verdict
        }
    }

    /** A value as given, stripped, and not empty. */
    static void stripped(String what, String v) {
        assertFalse(v.isEmpty(), what + " is empty");
        assertEquals(v.strip(), v, what + " is not stripped");
    }

    /**
     * The request the provisioner would apply ({@link RequestChecks}): user name and host name go to
     * useradd, chpasswd's input, sudoers, hostnamectl and /etc/hostname; a key's line goes into
     * authorized_keys. None may hold a control character or start like an option; a key is one line.
     */
    static void applied(ProvisioningRequest req) {
        Optional<Map<SshKey, String>> keys = RequestChecks.accepted(req);
        if (keys.isEmpty()) {
            return;
        }
        String user = req.adminUser().value();
        assertTrue(printableAscii(user) && !user.isEmpty() && user.length() <= 32 && !user.startsWith("-")
                && user.indexOf(':') < 0 && user.indexOf('/') < 0, "user name '" + user + "' was accepted");
        if (req.hostName() != null) {
            String host = req.hostName().value();
            assertTrue(printableAscii(host) && !host.isEmpty() && host.length() <= 64 && !host.startsWith("-")
                    && host.indexOf('/') < 0 && host.indexOf(' ') < 0, "host name '" + host + "' was accepted");
        }
        assertEquals(req.sshKeys().size(), keys.get().size());
        for (String line : keys.get().values()) {
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                assertTrue(c == '\t' || (c >= 0x20 && c != 0x7f) && c != '\u2028' && c != '\u2029' && c != '\u0085',
                        String.format("an authorized_keys line with U+%04X was accepted", (int) c));
            }
            assertEquals(line.strip(), line);
        }
    }

    private static boolean printableAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }
}
