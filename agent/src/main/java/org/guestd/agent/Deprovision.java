// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.guestd.accounts.Accounts;
import org.guestd.azure.AzureDeprovision;
import org.guestd.core.env.HostPaths;
import org.guestd.core.env.ProcessCommandRunner;
import org.guestd.kvp.KvpException;
import org.guestd.kvp.file.FileKvpStore;
import org.guestd.provisioning.DeprovisionCommand;
import org.guestd.provisioning.Deprovisioner;
import org.guestd.provisioning.StateFile;
import org.guestd.provisioning.SystemRoot;

/**
 * {@code guestd deprovision [--user] [--dry-run] [--force] [--state-dir DIR] [--kvp-pool-dir DIR]}:
 * the provisioning feature's deprovisioning on this machine, plus Azure's KVP records.
 */
final class Deprovision {
    private Deprovision() {}

    static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        List<String> rest = new ArrayList<>(args);
        Path poolDir = Path.of(FileKvpStore.DEFAULT_DIR);
        int i = rest.indexOf("--kvp-pool-dir");
        if (i >= 0 && i + 1 < rest.size()) {
            poolDir = Path.of(rest.remove(i + 1));
            rest.remove(i);
        }
        List<Deprovisioner.Action> extra = new ArrayList<>();
        try {
            extra.add(AzureDeprovision.kvpRecords(poolDir));
        } catch (KvpException e) {
            err.println("guestd deprovision: cannot read the KVP pools in " + poolDir + ": " + e.getMessage());
        }
        SystemRoot root = SystemRoot.system();
        ProcessCommandRunner runner = new ProcessCommandRunner();
        return DeprovisionCommand.run(rest, dir -> new Deprovisioner(root, new Accounts(HostPaths.system(), runner), runner,
                new StateFile(dir)), extra, in, out, err);
    }
}
