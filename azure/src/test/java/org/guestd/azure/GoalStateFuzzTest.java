// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.w3c.dom.Element;

/**
 * Fuzz target: the wire server's goal state ({@link GoalState#parse}) on any bytes; seeds: the
 * goal state of {@code GoalStateTest}, and DOCTYPE/entity variants. Checks: only {@link
 * XmlException} escapes; an accepted document has no DOCTYPE; incarnation, container id and instance
 * id are stripped and not empty; and the health report built from them ({@link GoalState#healthXml},
 * what guestd POSTs back, with NotReady details) is well-formed XML that {@link SafeXml} accepts and
 * that carries the three values back (control characters XML cannot hold as spaces).
 *
 * <p>Regression inputs: {@code src/test/resources/org/guestd/azure/GoalStateFuzzTestInputs/document/};
 * long runs: {@code bin/fuzz GoalStateFuzzTest [SECONDS]}.
 */
public class GoalStateFuzzTest {

    /** What a value reads back as from the health XML: XML 1.0 has no C0 controls but tab, LF, CR (written as {@code &#13;}). */
    static String asReadBack(String v) {
        StringBuilder sb = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            sb.append(c < 0x20 && c != '\t' && c != '\n' && c != '\r' ? ' ' : c);
        }
        return sb.toString();
    }

    public static void fuzzerTestOneInput(byte[] data) {
        GoalState g;
        try {
            g = GoalState.parse(data);
        } catch (XmlException e) {
            assertNotNull(e.getMessage());
            return;
        }
        FuzzChecks.noDoctype(data);
        FuzzChecks.stripped("Incarnation", g.incarnation());
        FuzzChecks.stripped("ContainerId", g.containerId());
        FuzzChecks.stripped("InstanceId", g.instanceId());
        String health = g.healthXml("NotReady", "ProvisioningFailed", "a <reason> & \"more\"");
        Element root;
        try {
            root = SafeXml.parse(health.getBytes(StandardCharsets.UTF_8), Integer.MAX_VALUE, "health").getDocumentElement();
        } catch (XmlException e) {
            fail("the health report is not well-formed: " + e.getMessage());
            return;
        }
        try {
            assertEquals(asReadBack(g.incarnation()), SafeXml.text(root, null, "GoalStateIncarnation", "health"));
            Element c = SafeXml.required(root, null, "Container", "health");
            assertEquals(asReadBack(g.containerId()), SafeXml.text(c, null, "ContainerId", "health"));
            Element role = SafeXml.required(SafeXml.required(c, null, "RoleInstanceList", "health"), null,
                    "Role", "health");
            assertEquals(asReadBack(g.instanceId()), SafeXml.text(role, null, "InstanceId", "health"));
        } catch (XmlException e) {
            fail("the health report lacks an element: " + e.getMessage());
        }
    }

    @FuzzTest(maxDuration = "60s")
    void document(byte[] data) {
        fuzzerTestOneInput(data);
    }
}
