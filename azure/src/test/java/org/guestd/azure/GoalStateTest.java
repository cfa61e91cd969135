// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.junit.jupiter.api.Test;

class GoalStateTest {
    static final String SAMPLE = """
            <?xml version="1.0" encoding="utf-8"?>
            <GoalState xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="goalstate10.xsd">
              <Version>2012-11-30</Version>
              <Incarnation>3</Incarnation>
              <Machine><ExpectedState>Started</ExpectedState></Machine>
              <Container>
                <ContainerId>c6d5526c-5ac2-4200-b6e2-56f2b70c5ab2</ContainerId>
                <RoleInstanceList>
                  <RoleInstance>
                    <InstanceId>b61f93d0-e1ed-40b2-b067-22c243233448.MachineRole_IN_0</InstanceId>
                    <State>Started</State>
                  </RoleInstance>
                </RoleInstanceList>
              </Container>
            </GoalState>
            """;

    @Test
    void parsesTheIdentifiers() throws Exception {
        GoalState g = GoalState.parse(SAMPLE.getBytes(StandardCharsets.UTF_8));
        assertEquals(new GoalState("3", "c6d5526c-5ac2-4200-b6e2-56f2b70c5ab2",
                "b61f93d0-e1ed-40b2-b067-22c243233448.MachineRole_IN_0"), g);
    }

    @Test
    void missingPartsAndHostileDocumentsAreRejected() {
        assertThrows(XmlException.class, () -> GoalState.parse(SAMPLE.replace("<InstanceId>b61f93d0-e1ed-40b2-b067-"
                + "22c243233448.MachineRole_IN_0</InstanceId>", "").getBytes(StandardCharsets.UTF_8)));
        assertThrows(XmlException.class, () -> GoalState.parse(SAMPLE.replace("<Incarnation>3</Incarnation>", "")
                .getBytes(StandardCharsets.UTF_8)));
        assertThrows(XmlException.class, () -> GoalState.parse("<Other/>".getBytes(StandardCharsets.UTF_8)));
        assertThrows(XmlException.class, () -> GoalState.parse(("<!DOCTYPE GoalState [<!ENTITY x SYSTEM "
                + "\"file:///etc/passwd\">]><GoalState><Incarnation>&x;</Incarnation></GoalState>").getBytes(StandardCharsets.UTF_8)));
        assertThrows(XmlException.class, () -> GoalState.parse(new byte[GoalState.MAX_BYTES + 1]));
    }

    @Test
    void healthXmlReady() {
        GoalState g = new GoalState("3", "cid", "iid");
        assertEquals("""
                <?xml version="1.0" encoding="utf-8"?>
                <Health xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
                  <GoalStateIncarnation>3</GoalStateIncarnation>
                  <Container>
                    <ContainerId>cid</ContainerId>
                    <RoleInstanceList>
                      <Role>
                        <InstanceId>iid</InstanceId>
                        <Health>
                          <State>Ready</State>
                        </Health>
                      </Role>
                    </RoleInstanceList>
                  </Container>
                </Health>
                """, g.healthXml("Ready", null, null));
    }

    @Test
    void healthXmlNotReadyEscapesTheDescription() {
        String x = new GoalState("1", "c", "i").healthXml("NotReady", "ProvisioningFailed", "key <1> & \"2\"");
        assertTrue(x.contains("<State>NotReady</State>\n          <Details>\n            <SubStatus>ProvisioningFailed"
                + "</SubStatus>\n            <Description>key &lt;1&gt; &amp; &quot;2&quot;</Description>"), x);
    }

    @Test
    void aDescriptionReadsBackAsWritten() throws Exception {
        String description = "line one\r\nline two\rtab\there <&> \"q\" 'a' bell\u0007";
        String x = new GoalState("1", "c", "i").healthXml("NotReady", "ProvisioningFailed", description);
        Element root = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(x.getBytes(StandardCharsets.UTF_8))).getDocumentElement();
        assertEquals(description.replace('\u0007', ' '), root.getElementsByTagName("Description").item(0).getTextContent(),
                "CR kept (as &#13;), a character XML 1.0 cannot carry becomes a space");
    }
}
