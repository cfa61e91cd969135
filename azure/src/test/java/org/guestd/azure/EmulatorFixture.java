// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import org.guestd.host.azure.AzureHostEmulator;

/** The Azure host emulator with a standard VM, and the loopback guard every test setup runs. */
final class EmulatorFixture {
    static final String VM_ID = "13f56399-bd52-4150-9748-7190aae1ff21";
    static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMmKbz9Ku1WAw5ohWmo6xyVtdxd9DdSm0mXt2M1nsTNB alice@laptop";

    private EmulatorFixture() {}

    static AzureHostEmulator.Instance instance() {
        return new AzureHostEmulator.Instance(VM_ID, "vm-imds-01", "azureuser", true,
                List.of(new AzureHostEmulator.Key(KEY, "/home/azureuser/.ssh/authorized_keys")));
    }

    static AzureHostEmulator start() throws Exception {
        AzureHostEmulator e = AzureHostEmulator.start(instance(),
                new AzureHostEmulator.Ids("2", "c6d5526c-5ac2-4200-b6e2-56f2b70c5ab2", "b61f93d0.MachineRole_IN_0"));
        assertLoopback(e.imdsUri());
        assertLoopback(e.wireServerUri());
        return e;
    }

    /** Tests never talk to 168.63.129.16 or 169.254.169.254: every endpoint is a loopback one. */
    static void assertLoopback(URI uri) throws Exception {
        assertTrue(InetAddress.getByName(uri.getHost()).isLoopbackAddress(), "not a loopback endpoint: " + uri);
    }
}
