// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link OldGenCap} in a real JVM with the launcher's GC flags (this test's own JDK): 400 MiB of
 * allocations, each kept alive for the next 8 MiB so that it is promoted. Armed, the old
 * generation stays under 64 MiB. Not armed, JDK 25 grows it to about 170 MiB before its first full
 * collection (JDK 17: 13 MiB, it collects at the committed size); when that happens here, the cap
 * must have been what kept the armed run down.
 */
class OldGenCapJvmTest {
    private static final Pattern RESULT = Pattern.compile("oldPeakMiB=(\\d+) collections=(\\d+)");
    private static final long BOUND_MIB = 64;

    @Test
    void theOldGenerationStaysNearTheFloorUnderPromotedGarbage() throws Exception {
        long[] capped = run("cap");
        long[] free = run("none");
        System.out.printf("OldGenCapJvmTest (%s): old generation peak %d MiB capped (%d collections), %d MiB not%n",
                Runtime.version(), capped[0], capped[1], free[0]);
        assertTrue(capped[0] <= BOUND_MIB, "old generation peaked at " + capped[0] + " MiB with the cap armed");
        assertEquals(0, free[1], "not armed: the cap collects nothing");
        if (free[0] > BOUND_MIB) {
            assertTrue(capped[1] > 0, "this JVM grows the old generation; the cap must have collected");
        }
    }

    private static long[] run(String mode) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = List.of(java, "-XX:+UseSerialGC", "-Xms8m", "-Xmx256m", "-XX:MinHeapFreeRatio=10",
                "-XX:MaxHeapFreeRatio=30", "-XX:-ShrinkHeapInSteps", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), OldGenCapChild.class.getName(), mode, "400", "8");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        Matcher m = RESULT.matcher(out);
        assertTrue(m.find(), out);
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }
}
