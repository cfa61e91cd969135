// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.intrinsics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link InetPton} against this machine's glibc {@code inet_pton} (through python's socket module). */
class InetPtonTest {
    static final List<String> CORPUS = List.of("192.0.2.1", "0.0.0.0", "255.255.255.255", "256.0.0.1", "192.0.2.010",
            "01.2.3.4", "0.0.0.00", "1.2.3", "1.2.3.4.5", "1.2.3.4.", ".1.2.3", "1..2.3", "1.2.3.4 ", " 1.2.3.4",
            "1.2.3.4x", "0x1.2.3.4", "1.2.3.-4", "１.2.3.4", "", "::", "::1", "1::", ":1::", "1:::2", "1::2::3",
            "2001:db8::10", "2001:DB8::A", "fe80::1%eth0", "::ffff:192.0.2.7", "::192.0.2.7", "1:2:3:4:5:6:1.2.3.4",
            "1:2:3:4:5:6:7:1.2.3.4", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7:8::", "12345::", "0000f::", "1:2:3:4:5:6:7:", ":1:2:3:4:5:6:7", "::ffff:1.2.3", "::ffff:1.2.3.04",
            "2001:db8::53::1", "g::", "1.2.3.4::", "ffff:ffff:ffff:ffff::", "fe80::215:5dff:feaa:bbcc", "::1.2.3.4:5");

    @Test
    void sameAsGlibc(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 missing");
        Path in = tmp.resolve("in");
        Files.write(in, CORPUS);
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", String.join("\n",
                "import socket, sys",
                "for line in open(sys.argv[1], encoding='utf-8').read().split('\\n')[:-1]:",
                "    out = []",
                "    for fam in (socket.AF_INET, socket.AF_INET6):",
                "        try: out.append(socket.inet_pton(fam, line).hex())",
                "        except (OSError, ValueError): out.append('-')",
                "    print(' '.join(out))"), in.toString()).redirectErrorStream(true).start();
        List<String> glibc = List.of(new String(p.getInputStream().readAllBytes()).split("\n"));
        assertEquals(0, p.waitFor(), String.join("\n", glibc));
        List<String> ours = new ArrayList<>();
        for (String s : CORPUS) {
            byte[] a = InetPton.v4(s);
            byte[] b = InetPton.v6(s);
            ours.add((a == null ? "-" : HexFormat.of().formatHex(a)) + " " + (b == null ? "-" : HexFormat.of().formatHex(b)));
        }
        for (int i = 0; i < CORPUS.size(); i++) {
            assertEquals(glibc.get(i), ours.get(i), "'" + CORPUS.get(i) + "'");
        }
    }
}
