// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target: IMDS's {@code /metadata/instance} JSON ({@link InstanceMetadata#parse}) on any bytes
 * read as UTF-8, as {@link ImdsClient} reads them; seeds: the document of {@code InstanceMetadataTest}
 * and variants. Checks: only {@link IllegalArgumentException} escapes (not a stack overflow on deep
 * nesting, not a ClassCastException on a member of another type); an accepted document's vmId is
 * stripped and not empty, computer name and user name stripped or absent, key data never null; and
 * the request built from IMDS alone (no CD, as {@link AzureProvisioning} does), when the provisioner's
 * check accepts it, has a user name, host name and authorized_keys lines without control characters.
 *
 * <p>Regression inputs: {@code src/test/resources/org/guestd/azure/InstanceMetadataFuzzTestInputs/document/};
 * long runs: {@code bin/fuzz InstanceMetadataFuzzTest [SECONDS]}.
 */
public class InstanceMetadataFuzzTest {

    public static void fuzzerTestOneInput(byte[] data) {
        InstanceMetadata m;
        try {
            m = InstanceMetadata.parse(new String(data, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            assertNotNull(e.getMessage());
            return;
        }
        FuzzChecks.stripped("vmId", m.vmId());
        if (m.computerName() != null) {
            FuzzChecks.stripped("computerName", m.computerName());
        }
        if (m.adminUsername() != null) {
            FuzzChecks.stripped("adminUsername", m.adminUsername());
        }
        for (InstanceMetadata.Key k : m.publicKeys()) {
            assertNotNull(k.keyData());
            assertTrue(k.path() == null || k.path().equals(k.path().strip()) && !k.path().isEmpty());
        }
        try {
            FuzzChecks.applied(RequestBuilder.build(m.vmId(), null, m, null));
        } catch (RequestBuilder.Unusable e) {
            assertTrue(m.adminUsername() == null, "unusable with a user name: " + e.getMessage());
        }
    }

    @FuzzTest(maxDuration = "60s")
    void document(byte[] data) {
        fuzzerTestOneInput(data);
    }
}
