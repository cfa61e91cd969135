// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.guestd.core.json.Json;
import org.guestd.host.testing.FakeAgent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs qgactl in a separate JVM whose class path holds only the host classes and guestd-core
 * (as bin/qgactl does): nothing on the CLI's path may need slf4j, which core depends on.
 */
@SuppressWarnings("try") // a FakeAgent in try-with-resources just has to stay up and be closed
@Timeout(120) // hang guard only
class IsolatedClasspathTest {
    @TempDir
    Path dir;

    private static String classPath() throws Exception {
        Path host = Path.of(QgaCtl.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path core = Path.of(Json.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return host + File.pathSeparator + core;
    }

    private static List<String> run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", classPath(),
                "org.guestd.host.cli.QgaCtl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return List.of(String.valueOf(p.exitValue()), out);
    }

    @Test
    void classPathHasNoSlf4j() throws Exception {
        assertFalse(classPath().contains("slf4j"), classPath());
    }

    @Test
    void helpInfoAndErrorsRunWithOnlyHostAndCore() throws Exception {
        List<String> help = run("--help");
        assertEquals("0", help.get(0), help.get(1));
        assertTrue(help.get(1).startsWith("Usage: qgactl"), help.get(1));

        Path sock = dir.resolve("qga.sock");
        try (FakeAgent agent = FakeAgent.start(sock, FakeAgent.qemuGa())) {
            List<String> info = run("-s", sock.toString(), "info");
            assertEquals("0", info.get(0), info.get(1));
            assertEquals(CliRun.golden("info.txt"), info.get(1));
            List<String> err = run("-s", sock.toString(), "guest-invalid-cmd");
            assertEquals("1", err.get(0), err.get(1));
            assertEquals("error: CommandNotFound: The command guest-invalid-cmd has not been found\n", err.get(1));
        }
        List<String> down = run("-s", sock.toString(), "--timeout", "0.2", "guest-ping");
        assertEquals("3", down.get(0), down.get(1));
    }
}
