// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.json.JsonReader;
import org.guestd.core.testing.FakeClock;
import org.guestd.core.testing.FixtureTree;
import org.guestd.memory.MemorySampler;
import org.guestd.qga.QgaFeatures;
import org.guestd.qga.QgaService;
import org.guestd.qga.dispatch.Dispatcher;
import org.guestd.qga.testing.FakeGuestInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The downstream extension {@code __org.guestd_guest-get-memory-stats}: bytes, percent, the sample's age. */
class GuestGetMemoryStatsTest {
    @TempDir
    Path tmp;

    private static String run(Dispatcher d, String request) {
        return new String(d.dispatch(JsonReader.parse(request)).encode(), StandardCharsets.UTF_8);
    }

    @Test
    void answersTheNewestSampleWithItsAgeAndIsListedAndBlockable() throws Exception {
        FixtureTree t = new FixtureTree(tmp).file("proc/meminfo", "MemTotal: 1000 kB\nMemFree: 100 kB\n"
                + "MemAvailable: 500 kB\nBuffers: 10 kB\nCached: 200 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n"
                + "Committed_AS: 700 kB\nHugePages_Total: 0\nHugePages_Free: 0\nHugepagesize: 2048 kB\n")
                .file("proc/pressure/memory", "some avg10=1.50 avg60=0.25 avg300=0.00 total=42\n"
                        + "full avg10=0.00 avg60=0.00 avg300=0.00 total=7\n");
        FakeClock clock = new FakeClock(1_000_000_000_000L);
        MemorySampler sampler = new MemorySampler(t.paths(), clock);
        sampler.sample();
        clock.advance(2_500_000_000L);
        clock.setRealtimeNanos(1_000_000_000_000L + 2_500_000_000L);
        Dispatcher d = QgaService.newDispatcher(QgaFeatures.of(new FakeGuestInfo(), clock).withMemoryStats(sampler), "v",
                ConfigSection.empty("general"));
        // member order: qemu's QDict hash order, as every reply of guestd (qga.codec.QDictOrder)
        assertEquals("{\"return\": {\"swap-free-bytes\": 0, \"pressure\": {\"full-total-us\": 7, \"full-avg60\": 0, "
                + "\"full-avg10\": 0, \"some-total-us\": 42, \"some-avg60\": 0.25, \"some-avg10\": 1.5}, "
                + "\"total-bytes\": 1024000, \"sample-age-ms\": 2500, \"hugepages-free\": 0, \"buffers-bytes\": 10240, "
                + "\"available-bytes\": 512000, \"swap-total-bytes\": 0, \"hugepage-bytes\": 2097152, "
                + "\"cached-bytes\": 204800, \"hugepages-total\": 0, \"committed-bytes\": 716800, "
                + "\"free-bytes\": 102400}}\n",
                run(d, "{\"execute\": \"__org.guestd_guest-get-memory-stats\"}"));
        String info = run(d, "{\"execute\": \"guest-info\"}");
        assertTrue(info.contains("{\"enabled\": true, \"name\": \"__org.guestd_guest-get-memory-stats\""), info);

        Dispatcher blocked = QgaService.newDispatcher(QgaFeatures.of(new FakeGuestInfo(), clock)
                .withMemoryStats(sampler), "v", new ConfigSection("general",
                        Map.of("block-rpcs", "__org.guestd_guest-get-memory-stats")));
        assertEquals("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"Command "
                + "__org.guestd_guest-get-memory-stats has been disabled\"}}\n",
                run(blocked, "{\"execute\": \"__org.guestd_guest-get-memory-stats\"}"));
        Dispatcher none = QgaService.newDispatcher(QgaFeatures.of(new FakeGuestInfo(), clock), "v",
                ConfigSection.empty("general"));
        assertTrue(run(none, "{\"execute\": \"__org.guestd_guest-get-memory-stats\"}")
                .contains("this feature or command is not currently supported"));
    }
}
