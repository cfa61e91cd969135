// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.azure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link AzureHostEmulator} as a process of its own, for a test that runs guestd where the JVM of
 * the test cannot be (the package install test's container):
 * {@code java -cp HOST_JAR:CORE_JAR org.guestd.host.azure.AzureEmulatorMain DIR VM_ID COMPUTER_NAME
 * ADMIN_USER [KEY]}. Both endpoints listen on loopback only ({@code 127.0.0.1}, free ports); {@code
 * DIR/endpoints} gets {@code imds=URL} and {@code wire-server=URL} lines once they listen, and every
 * health report the wire server accepts is appended to {@code DIR/health} as {@code KIND STATE
 * SUBSTATUS|DESCRIPTION}. Runs until killed.
 */
public final class AzureEmulatorMain {
    private AzureEmulatorMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: AzureEmulatorMain DIR VM_ID COMPUTER_NAME ADMIN_USER [SSH_KEY]");
            System.exit(2);
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        List<AzureHostEmulator.Key> keys = new ArrayList<>();
        if (args.length > 4) {
            keys.add(new AzureHostEmulator.Key(args[4], "/home/" + args[3] + "/.ssh/authorized_keys"));
        }
        AzureHostEmulator e = AzureHostEmulator.start(new AzureHostEmulator.Instance(args[1], args[2], args[3], true, keys),
                new AzureHostEmulator.Ids("1", "c6d5526c-5ac2-4200-b6e2-56f2b70c5ab2", "b61f93d0.MachineRole_IN_0"));
        Path tmp = dir.resolve("endpoints.tmp");
        Files.writeString(tmp, "imds=" + e.imdsUri() + "\nwire-server=" + e.wireServerUri() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve("endpoints"), StandardCopyOption.ATOMIC_MOVE);
        int written = 0;
        while (true) {
            List<HealthReport> reports = e.awaitHealthReports(written + 1, Duration.ofSeconds(60));
            for (; written < reports.size(); written++) {
                append(dir.resolve("health"), reports.get(written));
            }
        }
    }

    private static void append(Path file, HealthReport r) throws IOException {
        String line = r.kind() + " " + r.state() + " " + r.subStatus() + "|" + r.description() + "\n";
        Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
