// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.guestd.core.json.JsonReader;
import org.guestd.core.testing.FixtureTree;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.testing.FakeClock;
import org.guestd.host.qga.Transcript;
import org.guestd.memory.SysfsMemoryBlocks;
import org.guestd.memory.SysfsVcpuControl;
import org.guestd.qga.dispatch.Dispatcher;
import org.guestd.qga.testing.FakeGuestInfo;
import org.guestd.qga.testing.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transcripts 13 and 14 (qemu-ga 7.2 on a guest with 200 online, removable 128 MiB blocks)
 * replayed against the memory feature on a fixture sysfs built from the transcript itself.
 */
class MemoryTranscriptTest {
    private static final String MEM = "sys/devices/system/memory/";

    @TempDir
    Path tmp;

    private Dispatcher dispatcher(FixtureTree tree) throws Exception {
        QgaFeatures features = QgaFeatures.of(new FakeGuestInfo(), new FakeClock(0))
                .withMemory(new SysfsMemoryBlocks(tree.paths()), new SysfsVcpuControl(tree.paths()));
        return QgaService.newDispatcher(features, "7.2.22", ConfigSection.empty("general"));
    }

    private static String send(Dispatcher d, byte[] request) throws Exception {
        return new String(d.dispatch(JsonReader.parse(new String(request, StandardCharsets.UTF_8).strip())).encode(),
                StandardCharsets.ISO_8859_1);
    }

    @Test
    void blockInfoTranscript14() throws Exception {
        FixtureTree tree = new FixtureTree(tmp).file(MEM + "block_size_bytes", "8000000\n");
        Transcript.Step s = Golden.load("14-guest-get-memory-block-info.txt").steps().get(0);
        assertEquals(new String(s.reply(), StandardCharsets.ISO_8859_1), send(dispatcher(tree), s.request()));
    }

    /** Same elements, same bytes per element; the order is the directory's, so only the set is compared. */
    @Test
    void blocksTranscript13() throws Exception {
        Transcript.Step s = Golden.load("13-guest-get-memory-blocks.txt").steps().get(0);
        assertFalse(Golden.truncated(s.reply()));
        String theirs = new String(s.reply(), StandardCharsets.ISO_8859_1);
        List<?> blocks = (List<?>) ((Map<?, ?>) JsonReader.parse(theirs.strip())).get("return");
        FixtureTree tree = new FixtureTree(tmp).file(MEM + "block_size_bytes", "8000000\n");
        for (Object o : blocks) {
            long n = (Long) ((Map<?, ?>) o).get("phys-index");
            tree.file(MEM + "memory" + n + "/state", "online\n").file(MEM + "memory" + n + "/removable", "1\n");
        }
        String ours = send(dispatcher(tree), s.request());
        List<?> got = (List<?>) ((Map<?, ?>) JsonReader.parse(ours.strip())).get("return");
        assertEquals(new HashSet<>(blocks), new HashSet<>(got));
        assertEquals(blocks.size(), got.size());
        assertEquals(theirs.length(), ours.length(), "same byte format for every element");
        assertEquals(theirs.substring(0, 12), ours.substring(0, 12));
    }
}
