// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz target: {@code ovf-env.xml} from the provisioning CD ({@link OvfEnv#parse}) on any bytes;
 * seeds: the fixtures of {@code OvfEnvTest} (valid, DOCTYPE, external and expanding entities,
 * XInclude, wrong namespaces). Checks: only {@link XmlException} escapes; an accepted document has
 * no DOCTYPE (SafeXml refuses every entity); host name and user name are given, stripped and not
 * empty, keys' fields stripped or absent; and the request built from it ({@link RequestBuilder},
 * as {@link AzureProvisioning} does), when the provisioner's check accepts it, has a user name,
 * host name and authorized_keys lines without control characters ({@link FuzzChecks#applied}).
 *
 * <p>Regression inputs: {@code src/test/resources/org/guestd/azure/OvfEnvFuzzTestInputs/document/};
 * long runs: {@code bin/fuzz OvfEnvFuzzTest [SECONDS]}.
 */
public class OvfEnvFuzzTest {

    public static void fuzzerTestOneInput(byte[] data) {
        OvfEnv ovf;
        try {
            ovf = OvfEnv.parse(data);
        } catch (XmlException e) {
            assertNotNull(e.getMessage());
            return;
        }
        FuzzChecks.noDoctype(data);
        FuzzChecks.stripped("HostName", ovf.hostName());
        FuzzChecks.stripped("UserName", ovf.userName());
        for (OvfEnv.PublicKey k : ovf.publicKeys()) {
            for (String v : new String[] {k.fingerprint(), k.path(), k.value()}) {
                if (v != null) {
                    FuzzChecks.stripped("a PublicKey field", v);
                }
            }
        }
        assertTrue(ovf.password() == null || !ovf.password().isEmpty(), "an empty password is none");
        try {
            FuzzChecks.applied(RequestBuilder.build("vm", ovf, null, null));
        } catch (RequestBuilder.Unusable e) {
            assertTrue(e.getMessage().contains("fingerprint"), "unusable for another reason: " + e.getMessage());
        }
    }

    @FuzzTest(maxDuration = "60s")
    void document(byte[] data) {
        fuzzerTestOneInput(data);
    }
}
