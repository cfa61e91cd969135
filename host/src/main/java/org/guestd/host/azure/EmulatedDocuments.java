// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.azure;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.guestd.core.json.Json;
import org.guestd.core.json.JsonReader;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** The emulator's documents: IMDS's instance JSON, the goal state, and the health reports it accepts. */
final class EmulatedDocuments {
    private EmulatedDocuments() {}

    static HealthReport parseHealthJson(byte[] body, String agent, long at) {
        try {
            Object v = JsonReader.parse(new String(body, StandardCharsets.UTF_8));
            if (!(v instanceof Map<?, ?> m) || !(m.get("state") instanceof String state)
                    || !(state.equals("Ready") || state.equals("NotReady"))) {
                return null;
            }
            String sub = null;
            String desc = null;
            if (m.get("details") instanceof Map<?, ?> d) {
                sub = d.get("subStatus") instanceof String s ? s : null;
                desc = d.get("description") instanceof String s ? s : null;
            }
            if (desc != null && desc.length() > 512) {
                return null;
            }
            return new HealthReport("json", state, sub, desc, agent, at);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static HealthReport parseHealthXml(byte[] body, AzureHostEmulator.Ids ids, String agent, long at) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(body));
            Element root = d.getDocumentElement();
            if (!root.getTagName().equals("Health")
                    || !ids.incarnation().equals(text(root, "GoalStateIncarnation"))
                    || !ids.containerId().equals(text(root, "ContainerId"))
                    || !ids.instanceId().equals(text(root, "InstanceId"))) {
                return null;
            }
            String state = text(root, "State");
            if (!"Ready".equals(state) && !"NotReady".equals(state)) {
                return null;
            }
            return new HealthReport("xml", state, text(root, "SubStatus"), text(root, "Description"), agent, at);
        } catch (Exception e) {
            return null;
        }
    }

    private static String text(Element root, String tag) {
        var l = root.getElementsByTagName(tag);
        return l.getLength() == 1 ? l.item(0).getTextContent().strip() : null;
    }

    static byte[] instanceJson(AzureHostEmulator.Instance i) {
        List<Object> keys = new ArrayList<>();
        for (AzureHostEmulator.Key k : i.publicKeys()) {
            keys.add(Json.obj("keyData", k.keyData(), "path", k.path()));
        }
        Map<String, Object> compute = Json.obj("azEnvironment", "AzurePublicCloud", "location", "emulated",
                "name", i.computerName(), "osType", "Linux", "vmId", i.vmId(),
                "osProfile", Json.obj("adminUsername", i.adminUsername(), "computerName", i.computerName(),
                        "disablePasswordAuthentication", String.valueOf(i.disablePasswordAuthentication())),
                "publicKeys", keys);
        return Json.write(Json.obj("compute", compute, "network", Json.obj("interface", List.of())))
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] goalState(AzureHostEmulator.Ids ids) {
        return ("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                + "<GoalState xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                + "xsi:noNamespaceSchemaLocation=\"goalstate10.xsd\">\n"
                + "  <Version>2012-11-30</Version>\n"
                + "  <Incarnation>" + ids.incarnation() + "</Incarnation>\n"
                + "  <Machine><ExpectedState>Started</ExpectedState><StopRolesDeadlineHint>300000</StopRolesDeadlineHint>"
                + "<ExpectHealthReport>FALSE</ExpectHealthReport></Machine>\n"
                + "  <Container>\n    <ContainerId>" + ids.containerId() + "</ContainerId>\n"
                + "    <RoleInstanceList>\n      <RoleInstance>\n        <InstanceId>" + ids.instanceId() + "</InstanceId>\n"
                + "        <State>Started</State>\n        <Configuration>"
                + "<HostingEnvironmentConfig>http://emulated/hostingenv</HostingEnvironmentConfig>"
                + "<SharedConfig>http://emulated/sharedconfig</SharedConfig></Configuration>\n"
                + "      </RoleInstance>\n    </RoleInstanceList>\n  </Container>\n</GoalState>\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] versions() {
        return ("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Versions><Preferred><Version>2015-04-05</Version></Preferred>"
                + "<Supported><Version>2015-04-05</Version><Version>2012-11-30</Version></Supported></Versions>\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] malformed(AzureHostEmulator.Route route) {
        String s = route == AzureHostEmulator.Route.IMDS ? "{\"compute\": {\"vmId\": \"cut-off"
                : "<?xml version=\"1.0\"?>\n<GoalState><Incarnation>1</Incarnation><Container><ContainerId>x";
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] err(String message) {
        return Json.write(Json.obj("error", message)).getBytes(StandardCharsets.UTF_8);
    }
}
