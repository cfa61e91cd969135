// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * What the classic health report needs from the wire server's goal state ({@code GET
 * /machine/?comp=goalstate}): {@code Incarnation}, {@code Container/ContainerId} and the first
 * {@code Container/RoleInstanceList/RoleInstance/InstanceId}.
 */
public record GoalState(String incarnation, String containerId, String instanceId) {
    /** The largest goal state accepted. */
    public static final int MAX_BYTES = 1024 * 1024;
    private static final String WHAT = "goal state";

    /** Parses the goal state XML (no namespace; DOCTYPE refused, size capped). */
    public static GoalState parse(byte[] xml) throws XmlException {
        Document d = SafeXml.parse(xml, MAX_BYTES, WHAT);
        Element root = d.getDocumentElement();
        if (!"GoalState".equals(root.getLocalName()) || root.getNamespaceURI() != null) {
            throw new XmlException(WHAT + ": the root element is " + root.getLocalName() + ", not GoalState");
        }
        String inc = need(SafeXml.text(root, null, "Incarnation", WHAT), "Incarnation");
        Element container = SafeXml.required(root, null, "Container", WHAT);
        String cid = need(SafeXml.text(container, null, "ContainerId", WHAT), "ContainerId");
        Element list = SafeXml.required(container, null, "RoleInstanceList", WHAT);
        var roles = SafeXml.children(list, null, "RoleInstance");
        if (roles.isEmpty()) {
            throw new XmlException(WHAT + ": no RoleInstance");
        }
        String iid = need(SafeXml.text(roles.get(0), null, "InstanceId", WHAT), "InstanceId");
        return new GoalState(inc, cid, iid);
    }

    private static String need(String s, String name) throws XmlException {
        if (s == null || s.isBlank()) {
            throw new XmlException(WHAT + ": " + name + " is missing");
        }
        return s.strip();
    }

    /**
     * The Health XML for {@code POST /machine?comp=health}.
     *
     * @param state "Ready" or "NotReady"
     * @param subStatus e.g. "ProvisioningFailed", or null
     * @param description why (≤ 512 characters), or null
     */
    public String healthXml(String state, String subStatus, String description) {
        StringBuilder sb = new StringBuilder(512);
        sb.append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
                .append("<Health xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ")
                .append("xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">\n")
                .append("  <GoalStateIncarnation>").append(SafeXml.escape(incarnation)).append("</GoalStateIncarnation>\n")
                .append("  <Container>\n")
                .append("    <ContainerId>").append(SafeXml.escape(containerId)).append("</ContainerId>\n")
                .append("    <RoleInstanceList>\n")
                .append("      <Role>\n")
                .append("        <InstanceId>").append(SafeXml.escape(instanceId)).append("</InstanceId>\n")
                .append("        <Health>\n")
                .append("          <State>").append(SafeXml.escape(state)).append("</State>\n");
        if (subStatus != null) {
            sb.append("          <Details>\n")
                    .append("            <SubStatus>").append(SafeXml.escape(subStatus)).append("</SubStatus>\n")
                    .append("            <Description>").append(SafeXml.escape(description == null ? "" : description))
                    .append("</Description>\n")
                    .append("          </Details>\n");
        }
        sb.append("        </Health>\n")
                .append("      </Role>\n")
                .append("    </RoleInstanceList>\n")
                .append("  </Container>\n")
                .append("</Health>\n");
        return sb.toString();
    }
}
