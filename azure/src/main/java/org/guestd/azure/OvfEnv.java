// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.guestd.provisioning.OvfMedia;
import org.guestd.provisioning.Secret;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The provisioning CD's {@code ovf-env.xml}: {@code Environment} (OVF environment namespace) →
 * {@code ProvisioningSection/LinuxProvisioningConfigurationSet} and {@code
 * PlatformSettingsSection/PlatformSettings} (Windows Azure namespace). Elements in another namespace
 * do not count; a required element that is missing, or any element that appears twice, makes the
 * document unusable.
 *
 * @param hostName HostName (required)
 * @param userName UserName (required)
 * @param password UserPassword, or null when absent or empty (only its hash is ever written)
 * @param disableSshPasswordAuthentication DisableSshPasswordAuthentication, or null when absent
 * @param customData CustomData decoded from base64, or null
 * @param publicKeys SSH/PublicKeys/PublicKey entries
 * @param provisionGuestAgent PlatformSettings/ProvisionGuestAgent, or null
 * @param preprovisionedVm PlatformSettings/PreprovisionedVm, or null
 */
public record OvfEnv(String hostName, String userName, Secret password, Boolean disableSshPasswordAuthentication,
        byte[] customData, List<PublicKey> publicKeys, Boolean provisionGuestAgent, Boolean preprovisionedVm) {

    /** The OVF environment namespace. */
    public static final String OVF_NS = "http://schemas.dmtf.org/ovf/environment/1";
    /** The Windows Azure namespace. */
    public static final String WA_NS = "http://schemas.microsoft.com/windowsazure";
    /** The largest ovf-env.xml accepted (custom data is at most 64 KiB of base64). */
    public static final int MAX_BYTES = OvfMedia.MAX_BYTES;
    private static final String WHAT = "ovf-env.xml";

    /**
     * One key.
     *
     * @param fingerprint the certificate thumbprint (for keys delivered through the goal state), or null
     * @param path where the key goes, or null
     * @param value the key itself, or null (then it would come from the goal state's certificates:
     *     not supported, see azure/README.md)
     */
    public record PublicKey(String fingerprint, String path, String value) {}

    public OvfEnv {
        publicKeys = List.copyOf(publicKeys);
    }

    /** Parses the document (DOCTYPE refused, size capped). */
    public static OvfEnv parse(byte[] xml) throws XmlException {
        Document d = SafeXml.parse(xml, MAX_BYTES, WHAT);
        Element root = d.getDocumentElement();
        if (!"Environment".equals(root.getLocalName()) || !OVF_NS.equals(root.getNamespaceURI())) {
            throw new XmlException(WHAT + ": the root element is {" + root.getNamespaceURI() + "}"
                    + root.getLocalName() + ", not {" + OVF_NS + "}Environment");
        }
        Element prov = SafeXml.required(root, WA_NS, "ProvisioningSection", WHAT);
        Element set = SafeXml.required(prov, WA_NS, "LinuxProvisioningConfigurationSet", WHAT);
        String host = nonEmpty(SafeXml.text(set, WA_NS, "HostName", WHAT));
        if (host == null) {
            throw new XmlException(WHAT + ": HostName is missing");
        }
        String user = nonEmpty(SafeXml.text(set, WA_NS, "UserName", WHAT));
        if (user == null) {
            throw new XmlException(WHAT + ": UserName is missing");
        }
        String pw = SafeXml.text(set, WA_NS, "UserPassword", WHAT);
        Secret password = pw == null || pw.isEmpty() ? null : Secret.of(pw.toCharArray());
        Boolean disable = bool(SafeXml.text(set, WA_NS, "DisableSshPasswordAuthentication", WHAT),
                "DisableSshPasswordAuthentication");
        String cd = nonEmpty(SafeXml.text(set, WA_NS, "CustomData", WHAT));
        byte[] custom = null;
        if (cd != null) {
            try {
                custom = Base64.getMimeDecoder().decode(cd);
            } catch (IllegalArgumentException e) {
                throw new XmlException(WHAT + ": CustomData is not base64");
            }
        }
        List<PublicKey> keys = new ArrayList<>();
        Element ssh = SafeXml.child(set, WA_NS, "SSH", WHAT);
        Element pks = ssh == null ? null : SafeXml.child(ssh, WA_NS, "PublicKeys", WHAT);
        if (pks != null) {
            for (Element k : SafeXml.children(pks, WA_NS, "PublicKey")) {
                keys.add(new PublicKey(nonEmpty(SafeXml.text(k, WA_NS, "Fingerprint", WHAT)),
                        nonEmpty(SafeXml.text(k, WA_NS, "Path", WHAT)), nonEmpty(SafeXml.text(k, WA_NS, "Value", WHAT))));
            }
        }
        Boolean agent = null;
        Boolean preprovisioned = null;
        Element platform = SafeXml.child(root, WA_NS, "PlatformSettingsSection", WHAT);
        Element settings = platform == null ? null : SafeXml.child(platform, WA_NS, "PlatformSettings", WHAT);
        if (settings != null) {
            agent = bool(SafeXml.text(settings, WA_NS, "ProvisionGuestAgent", WHAT), "ProvisionGuestAgent");
            preprovisioned = bool(SafeXml.text(settings, WA_NS, "PreprovisionedVm", WHAT), "PreprovisionedVm");
        }
        return new OvfEnv(host, user, password, disable, custom, keys, agent, preprovisioned);
    }

    private static String nonEmpty(String s) {
        if (s == null) {
            return null;
        }
        String t = s.strip();
        return t.isEmpty() ? null : t;
    }

    private static Boolean bool(String s, String name) throws XmlException {
        String t = nonEmpty(s);
        if (t == null) {
            return null;
        }
        return switch (t.toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new XmlException(WHAT + ": " + name + " is '" + (t.length() > 20 ? t.substring(0, 20) : t)
                    + "', not true or false");
        };
    }

    @Override
    public String toString() {
        return "OvfEnv[hostName=" + hostName + ", userName=" + userName + ", password="
                + (password == null ? "none" : "given") + ", keys=" + publicKeys.size() + "]";
    }
}
