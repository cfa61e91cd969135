// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestCtlTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--pool-dir";
        all[args.length + 1] = dir.toString();
        return GuestCtl.run(all, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void setGetListDeleteWithExitCodes() {
        assertEquals(0, run("kvp", "set", "name", "va\"lue"));
        assertEquals(0, run("kvp", "set", "--pool", "3", "host", "h1"));
        assertEquals(0, run("kvp", "get", "name"));
        assertEquals("va\"lue\n", out());
        assertEquals(0, run("kvp", "get", "name", "--json"));
        assertEquals("{\"pool\":1,\"key\":\"name\",\"value\":\"va\\\"lue\"}\n", out());
        assertEquals(0, run("kvp", "list"));
        assertEquals("1\tname\tva\"lue\n3\thost\th1\n", out());
        assertEquals(0, run("kvp", "list", "--pool", "3", "--json"));
        assertEquals("[{\"pool\":3,\"key\":\"host\",\"value\":\"h1\"}]\n", out());
        assertEquals(1, run("kvp", "get", "missing"));
        assertEquals(0, run("kvp", "delete", "name"));
        assertEquals(1, run("kvp", "delete", "name"));
        assertEquals(2, run("kvp", "get"));
        assertEquals(2, run("kvp", "list", "--pool", "7"));
        assertEquals(2, run("kvp", "set", "k", "x".repeat(2048)));
        assertEquals(2, run("bogus"));
    }

    @Test
    void helpNamesTheAzureCommandsToo() {
        assertEquals(0, GuestCtl.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream())));
        String help = out();
        assertTrue(help.contains("guestctl azure status [--json] [--state-dir DIR] [--pool-dir DIR]"), help);
        assertTrue(help.contains("guestd provision"), help);
        assertTrue(help.contains("guestd deprovision [--user] [--dry-run] [--force]"), help);
    }
}
