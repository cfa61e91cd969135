// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class InstanceMetadataTest {
    static final String SAMPLE = """
            {"compute": {"azEnvironment": "AzurePublicCloud", "location": "eastus", "name": "vm-imds-01",
              "vmId": "13f56399-bd52-4150-9748-7190aae1ff21",
              "osProfile": {"adminUsername": "azureuser", "computerName": "vm-imds-01",
                            "disablePasswordAuthentication": "true"},
              "publicKeys": [{"keyData": "ssh-rsa AAAA test_key1", "path": "/home/azureuser/.ssh/authorized_keys"},
                             {"keyData": "ssh-rsa AAAA test_key2", "path": ""}]},
             "network": {"interface": []}}
            """;

    @Test
    void parsesWhatProvisioningUses() {
        InstanceMetadata m = InstanceMetadata.parse(SAMPLE);
        assertEquals("13f56399-bd52-4150-9748-7190aae1ff21", m.vmId());
        assertEquals("vm-imds-01", m.computerName());
        assertEquals("azureuser", m.adminUsername());
        assertEquals(Boolean.TRUE, m.disablePasswordAuthentication());
        assertEquals(List.of(new InstanceMetadata.Key("ssh-rsa AAAA test_key1", "/home/azureuser/.ssh/authorized_keys"),
                new InstanceMetadata.Key("ssh-rsa AAAA test_key2", null)), m.publicKeys());
    }

    @Test
    void flagAsBooleanOrString() {
        assertEquals(Boolean.FALSE, InstanceMetadata.parse(SAMPLE.replace("\"true\"", "false")).disablePasswordAuthentication());
        assertEquals(Boolean.FALSE, InstanceMetadata.parse(SAMPLE.replace("\"true\"", "\"false\"")).disablePasswordAuthentication());
        assertThrows(IllegalArgumentException.class, () -> InstanceMetadata.parse(SAMPLE.replace("\"true\"", "\"nonsense\"")));
    }

    @Test
    void osProfileIsOptionalVmIdIsNot() {
        InstanceMetadata m = InstanceMetadata.parse("{\"compute\": {\"vmId\": \"v\"}}");
        assertNull(m.adminUsername());
        assertNull(m.disablePasswordAuthentication());
        assertTrue(m.publicKeys().isEmpty());
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> InstanceMetadata.parse("{\"compute\": {\"name\": \"x\"}}"));
        assertTrue(x.getMessage().contains("vmId"), x.getMessage());
    }

    @Test
    void hostileOrMalformedDocumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> InstanceMetadata.parse("{\"compute\": {\"vmId\": \"cut"));
        assertThrows(IllegalArgumentException.class, () -> InstanceMetadata.parse("[]"));
        assertThrows(IllegalArgumentException.class, () -> InstanceMetadata.parse("{\"compute\": []}"));
        assertThrows(IllegalArgumentException.class,
                () -> InstanceMetadata.parse("{\"compute\": {\"vmId\": \"v\", \"publicKeys\": {}}}"));
        assertThrows(IllegalArgumentException.class,
                () -> InstanceMetadata.parse("{\"compute\": {\"vmId\": 7}}"));
        // nesting deeper than the reader's limit is an error, not a stack overflow
        String deep = "[".repeat(200_000) + "]".repeat(200_000);
        assertThrows(IllegalArgumentException.class, () -> InstanceMetadata.parse(deep));
    }
}
