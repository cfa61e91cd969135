// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.guestd.core.env.HostPaths;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvisioningAuthorityTest {
    @TempDir
    Path root;
    SystemRoot sr;
    HostPaths paths;

    @BeforeEach
    void setUp() throws Exception {
        sr = new SystemRoot(root);
        paths = HostPaths.under(root);
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("proc/cmdline"), "console=ttyS0 root=/dev/sda1\n");
    }

    void exe(String abs) throws Exception {
        Path p = root.resolve(abs.substring(1));
        Files.createDirectories(p.getParent());
        Files.writeString(p, "#!/bin/sh\n");
        p.toFile().setExecutable(true);
    }

    void file(String abs, String content) throws Exception {
        Path p = root.resolve(abs.substring(1));
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    ProvisioningAuthority.Decision auto() {
        return ProvisioningAuthority.decide(ProvisioningAuthority.Mode.AUTO, true, sr, paths);
    }

    @Test
    void detectionReadsTheChassisAssetTag() throws Exception {
        assertFalse(AzureDetection.onAzure(paths));
        file("/sys/class/dmi/id/chassis_asset_tag", "7783-7084-3265-9085-8269-3286-77\n");
        assertTrue(AzureDetection.onAzure(paths));
        file("/sys/class/dmi/id/chassis_asset_tag", "Default string\n");
        assertFalse(AzureDetection.onAzure(paths), "a Hyper-V guest without the tag is not Azure");
    }

    @Test
    void explicitModesAndOffAzure() {
        assertEquals("nobody", ProvisioningAuthority.decide(ProvisioningAuthority.Mode.NO, true, sr, paths).who());
        ProvisioningAuthority.Decision yes = ProvisioningAuthority.decide(ProvisioningAuthority.Mode.YES, false, sr, paths);
        assertTrue(yes.guestd());
        assertTrue(yes.line().contains("no Azure chassis asset tag"), yes.line());
        ProvisioningAuthority.Decision off = ProvisioningAuthority.decide(ProvisioningAuthority.Mode.AUTO, false, sr, paths);
        assertFalse(off.guestd());
        assertEquals("azure: not an Azure VM (no Azure chassis asset tag): provisioning off", off.line());
    }

    @Test
    void guestdWhenNoOtherAgentIsInstalled() {
        ProvisioningAuthority.Decision d = auto();
        assertTrue(d.guestd());
        assertEquals("azure: Azure VM; guestd provisions this VM (neither waagent nor cloud-init is set to)", d.line());
    }

    @Test
    void waagentAccordingToItsConfig() throws Exception {
        exe("/usr/sbin/waagent");
        assertEquals("waagent", auto().who(), "installed with no config: auto without cloud-init = waagent");
        file("/etc/waagent.conf", "# comment\nProvisioning.Agent=disabled\n");
        assertEquals("guestd", auto().who());
        file("/etc/waagent.conf", "Provisioning.Agent=waagent\n");
        assertEquals("waagent", auto().who());
        assertTrue(auto().line().contains("Provisioning.Agent=waagent"), auto().line());
        file("/etc/waagent.conf", "Provisioning.Enabled=n\n");
        assertEquals("guestd", auto().who());
        exe("/usr/bin/cloud-init");
        file("/etc/waagent.conf", "Provisioning.Agent=auto\n");
        assertEquals("cloud-init", auto().who(), "auto with a working cloud-init: cloud-init provisions");
    }

    @Test
    void cloudInitUnlessDisabledOrWithoutTheAzureDatasource() throws Exception {
        exe("/usr/bin/cloud-init");
        assertEquals("cloud-init", auto().who());
        file("/etc/cloud/cloud.cfg", "datasource_list: [ NoCloud, ConfigDrive ]\n");
        assertEquals("guestd", auto().who());
        file("/etc/cloud/cloud.cfg.d/90-azure.cfg", "datasource_list: [ Azure ]\n");
        assertEquals("cloud-init", auto().who(), "the drop-in wins");
        file("/proc/cmdline", "console=ttyS0 cloud-init=disabled\n");
        assertEquals("guestd", auto().who());
        file("/proc/cmdline", "console=ttyS0\n");
        file("/etc/cloud/cloud-init.disabled", "");
        assertEquals("guestd", auto().who());
    }

    @Test
    void theResidentAgentLeavesItToThePackagedUnitUnderSystemd() throws Exception {
        ProvisioningAuthority.Decision d = auto();
        assertEquals(d, ProvisioningAuthority.forResidentAgent(d, sr), "no systemd, no unit: the agent provisions");
        file("/lib/systemd/system/guestd-provision.service", "[Unit]\n");
        assertEquals(d, ProvisioningAuthority.forResidentAgent(d, sr), "the unit is installed but systemd does not run");
        Files.createDirectories(root.resolve("run/systemd/system"));
        ProvisioningAuthority.Decision r = ProvisioningAuthority.forResidentAgent(d, sr);
        assertFalse(r.guestd());
        assertEquals("guestd-provision.service", r.who());
        assertEquals("azure: Azure VM; guestd provisions this VM (neither waagent nor cloud-init is set to), at boot in "
                + "guestd-provision.service (/lib/systemd/system/guestd-provision.service): this agent only keeps the KVP pools",
                r.line());
        // masked by the administrator: still the unit's (nobody provisions), not the agent's
        Files.delete(root.resolve("lib/systemd/system/guestd-provision.service"));
        Files.createDirectories(root.resolve("etc/systemd/system"));
        Files.createSymbolicLink(root.resolve("etc/systemd/system/guestd-provision.service"), Path.of("/dev/null"));
        assertFalse(ProvisioningAuthority.forResidentAgent(d, sr).guestd());
        // someone else provisions: unchanged
        ProvisioningAuthority.Decision no = ProvisioningAuthority.decide(ProvisioningAuthority.Mode.NO, true, sr, paths);
        assertEquals(no, ProvisioningAuthority.forResidentAgent(no, sr));
    }
}
