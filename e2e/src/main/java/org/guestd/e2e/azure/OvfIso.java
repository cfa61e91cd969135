// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e.azure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The provisioning CD: an ovf-env.xml as Azure writes it (OVF environment + Windows Azure
 * namespaces), on an ISO 9660 image with Joliet and Rock Ridge made by {@code xorriso -as mkisofs}.
 */
public final class OvfIso {
    private OvfIso() {}

    /** The document. */
    public static String ovfEnv(String hostName, String user, String password, boolean disablePasswordAuth,
            List<String> keys, byte[] customData) {
        StringBuilder k = new StringBuilder();
        for (String key : keys) {
            k.append("          <ns1:PublicKey>\n")
                    .append("            <ns1:Fingerprint>0000000000000000000000000000000000000000</ns1:Fingerprint>\n")
                    .append("            <ns1:Path>/home/").append(user).append("/.ssh/authorized_keys</ns1:Path>\n")
                    .append("            <ns1:Value>").append(key).append("</ns1:Value>\n")
                    .append("          </ns1:PublicKey>\n");
        }
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                + "<ns0:Environment xmlns:ns0=\"http://schemas.dmtf.org/ovf/environment/1\" "
                + "xmlns:ns1=\"http://schemas.microsoft.com/windowsazure\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
                + "  <ns1:ProvisioningSection>\n    <ns1:Version>1.0</ns1:Version>\n"
                + "    <ns1:LinuxProvisioningConfigurationSet>\n"
                + "      <ns1:ConfigurationSetType>LinuxProvisioningConfiguration</ns1:ConfigurationSetType>\n"
                + "      <ns1:HostName>" + hostName + "</ns1:HostName>\n"
                + "      <ns1:UserName>" + user + "</ns1:UserName>\n"
                + (password == null ? "" : "      <ns1:UserPassword>" + password + "</ns1:UserPassword>\n")
                + "      <ns1:DisableSshPasswordAuthentication>" + disablePasswordAuth + "</ns1:DisableSshPasswordAuthentication>\n"
                + (customData == null ? "" : "      <ns1:CustomData>" + Base64.getEncoder().encodeToString(customData)
                        + "</ns1:CustomData>\n")
                + "      <ns1:SSH>\n        <ns1:PublicKeys>\n" + k + "        </ns1:PublicKeys>\n      </ns1:SSH>\n"
                + "    </ns1:LinuxProvisioningConfigurationSet>\n  </ns1:ProvisioningSection>\n"
                + "  <ns1:PlatformSettingsSection>\n    <ns1:Version>1.0</ns1:Version>\n    <ns1:PlatformSettings>\n"
                + "      <ns1:ProvisionGuestAgent>false</ns1:ProvisionGuestAgent>\n"
                + "      <ns1:PreprovisionedVm>false</ns1:PreprovisionedVm>\n"
                + "    </ns1:PlatformSettings>\n  </ns1:PlatformSettingsSection>\n</ns0:Environment>\n";
    }

    /** Writes {@code ovfEnv} into {@code dir/iso/ovf-env.xml} and builds {@code dir/ovf-env.iso}. */
    public static Path build(Path dir, String ovfEnv) throws IOException {
        Path content = dir.resolve("iso");
        Files.createDirectories(content);
        Files.writeString(content.resolve("ovf-env.xml"), ovfEnv, StandardCharsets.UTF_8);
        Path iso = dir.resolve("ovf-env.iso");
        Files.deleteIfExists(iso);
        Process p = new ProcessBuilder("xorriso", "-as", "mkisofs", "-quiet", "-V", "rd_rdfe_stable", "-J", "-R",
                "-o", iso.toString(), content.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("xorriso.log").toFile()).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("xorriso failed: " + Files.readString(dir.resolve("xorriso.log")));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return iso;
    }
}
