// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.json.JsonReader;
import org.guestd.core.testing.FakeClock;
import org.guestd.freeze.FsFreezer;
import org.guestd.host.qga.Transcript;
import org.guestd.qga.dispatch.CommandRegistry;
import org.guestd.qga.dispatch.Dispatcher;
import org.guestd.qga.dispatch.QgaCommand;
import org.guestd.qga.dispatch.TestCommands;
import org.guestd.qga.testing.FakeFsFreezer;
import org.guestd.qga.testing.FakeGuestInfo;
import org.guestd.qga.testing.FakeLink;
import org.guestd.qga.testing.Golden;
import org.junit.jupiter.api.Test;

/**
 * Replays the golden qemu-ga 7.2 transcripts through the endpoint (fake link, commands run
 * inline) with a {@link FakeGuestInfo} that holds the capture machine's data, and compares the
 * reply bytes. Transcripts of commands not implemented yet must answer "has not been found".
 */
class TranscriptTest {
    private static final String VERSION = "7.2.22";
    /** Transcript 10's reply is 1795401729737082000. */
    private static final long CLOCK = 1795401729737082123L;

    /** Replayed byte for byte, every step. */
    private static final List<String> EXACT = List.of(
            "00-connect-no-greeting.txt", "01-guest-sync-delimited-with-leading-0xFF.txt", "02-guest-sync-delimited.txt",
            "03-guest-sync.txt", "04-guest-ping.txt", "05-id-field-echo.txt", "07-guest-get-osinfo.txt",
            "08-guest-get-host-name.txt", "09-guest-get-timezone.txt", "10-guest-get-time.txt",
            "11-guest-network-get-interfaces.txt", "12-guest-get-fsinfo.txt",
            "16-guest-get-users.txt", "17-guest-get-vcpus.txt", "18-guest-fsfreeze-status.txt", "19a-guest-get-disks.txt",
            "19b-guest-get-diskstats.txt", "19c-guest-get-cpustats.txt", "19d-guest-get-devices.txt",
            "20a-malformed-bareword.txt", "20b-malformed-garbage-line.txt", "20e-non-object-json.txt",
            "20f-array-json.txt", "20g-missing-execute.txt", "20h-execute-not-string.txt",
            "20i-arguments-not-object.txt", "20j-unexpected-top-level-member.txt", "20l-no-newline.txt",
            "20q-empty-object.txt", "20r-arguments-only.txt", "20t-empty-line.txt", "21a-exec-oob.txt",
            "21b-unknown-command.txt", "22a-wrong-arg-type.txt", "22b-missing-arg.txt", "22c-unexpected-arg.txt",
            "23a-pipelined-two-commands.txt", "24a-nesting-depth-1025.txt");

    /** Exact with a stub carrying the real argument schema of a command not implemented yet. */
    private static final List<String> EXACT_WITH_STUB = List.of("22f-bad-enum.txt",
            "26g-guest-exec-capture-output-string-7.2.txt");

    /** Commands not implemented in this module yet: every step must be CommandNotFound. */
    private static final List<String> NOT_IMPLEMENTED = List.of();

    /**
     * Host-specific (pids, paths, users): replayed against the real commands in their own tests
     * (command.file.FileCommandsTest, command.exec.ExecCommandsTest, command.user.UserCommandsTest).
     */
    private static final List<String> CHECKED_BY_COMMAND_TESTS = List.of(
            "19f-guest-ssh-get-authorized-keys-unknown-user.txt", "26a-guest-exec-echo-hi.txt",
            "26b-guest-exec-exitcode-no-capture.txt", "26c-guest-exec-stdin-env-stderr.txt",
            "26d-guest-exec-signal.txt", "26e-guest-exec-status-running.txt", "26f-guest-exec-invalid.txt",
            "27a-guest-file-ops.txt", "27b-guest-file-errors.txt");

    /**
     * Commands qemu-ga 7.2 did not have (its transcript is "has not been found"); guestd answers
     * as current qemu-ga does, checked byte for byte against these replies built from
     * {@link FakeGuestInfo}'s data.
     */
    private static final Map<String, String> NEWER_THAN_72 = Map.of(
            "15-guest-get-load.txt",
            "{\"return\": {\"load15m\": 0.01, \"load5m\": 0.050000000000000003, \"load1m\": 0.17000000000000001}}\n",
            "19e-guest-network-get-route.txt",
            "{\"return\": [{\"flags\": 3, \"metric\": 0, \"refcnt\": 0, \"window\": 0, \"version\": 4, "
                    + "\"iface\": \"eth0\", \"destination\": \"0.0.0.0\", \"irtt\": 0, \"gateway\": \"192.0.2.1\", "
                    + "\"use\": 0, \"mtu\": 0, \"mask\": \"0.0.0.0\"}, {\"flags\": 1, \"source\": \"::\", "
                    + "\"metric\": 256, \"refcnt\": 1, \"version\": 6, \"nexthop\": \"::\", \"iface\": \"eth0\", "
                    + "\"destination\": \"fd00::\", \"desprefixlen\": \"64\", \"srcprefixlen\": \"0\", \"use\": 0}]}\n");

    /** Checked by dedicated tests below (13, 14: MemoryTranscriptTest, over the memory service). */
    private static final List<String> SPECIAL = List.of("06-guest-info.txt", "13-guest-get-memory-blocks.txt",
            "14-guest-get-memory-block-info.txt", "24c-token-size-limit-64MiB.txt",
            "24d-token-count-limit-2Mi.txt", "28-blocklist-b-option.txt", "29-frozen-state-at-startup.txt");

    /** The endpoint over a fake link, commands run on the calling thread. */
    private static final class Harness {
        final FakeClock clock = new FakeClock(CLOCK);
        final FakeGuestInfo info = new FakeGuestInfo();
        final CommandRegistry registry;
        final FakeLink link = new FakeLink("transcript");
        final QgaEndpoint endpoint;

        final FakeFsFreezer freezer = new FakeFsFreezer();

        Harness(ConfigSection general, QgaCommand... extra) throws Exception {
            registry = QgaService.newRegistry(QgaFeatures.of(info, clock).withFreeze(freezer, freezer), VERSION,
                    general);
            for (QgaCommand c : extra) {
                registry.register(c);
            }
            endpoint = new QgaEndpoint(new Dispatcher(registry), Runnable::run);
            endpoint.connected(link);
        }

        Harness() throws Exception {
            this(ConfigSection.empty("general"));
        }

        byte[] send(byte[] request) {
            endpoint.received(link, ByteBuffer.wrap(request));
            return link.take();
        }

        byte[] sendByteByByte(byte[] request) {
            for (byte b : request) {
                endpoint.received(link, ByteBuffer.wrap(new byte[] {b}));
            }
            return link.take();
        }
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static void replayExact(String file, Harness h, boolean byteByByte) {
        Transcript t = Golden.load(file);
        for (Transcript.Step s : t.steps()) {
            byte[] got = byteByByte ? h.sendByteByByte(s.request()) : h.send(s.request());
            byte[] expected = s.reply();
            if (Golden.truncated(expected)) { // the file shows the start of a long reply
                assertEquals(Golden.statedLengths(file).get(s.number() + " reply"), got.length,
                        file + ": full reply length");
                expected = Golden.exactPrefix(expected);
                got = Arrays.copyOf(got, expected.length);
            }
            assertSameBytes(expected, got, file + " step " + s.number());
        }
    }

    /** Byte equality, reporting the first difference (long replies make assertEquals output useless). */
    static void assertSameBytes(byte[] expected, byte[] actual, String what) {
        int n = Math.min(expected.length, actual.length);
        for (int i = 0; i < n; i++) {
            if (expected[i] != actual[i]) {
                int from = Math.max(0, i - 60);
                throw new AssertionError(what + ": first difference at byte " + i + "\n expected: ..."
                        + text(Arrays.copyOfRange(expected, from, Math.min(expected.length, i + 60)))
                        + "\n actual:   ..." + text(Arrays.copyOfRange(actual, from, Math.min(actual.length, i + 60))));
            }
        }
        assertEquals(expected.length, actual.length, what + ": length (common prefix identical)");
    }

    @Test
    void everyTranscriptIsCovered() {
        Set<String> covered = new HashSet<>();
        for (List<String> l : List.of(EXACT, EXACT_WITH_STUB, NOT_IMPLEMENTED, SPECIAL, CHECKED_BY_COMMAND_TESTS,
                List.copyOf(NEWER_THAN_72.keySet()))) {
            for (String f : l) {
                assertTrue(covered.add(f), "listed twice: " + f);
            }
        }
        assertEquals(new HashSet<>(Golden.index()), covered);
        // every step is read, and the bytes literals reproduce every stated length
        for (String f : Golden.index()) {
            Map<String, Integer> stated = Golden.statedLengths(f);
            List<Transcript.Step> steps = Golden.load(f).steps();
            assertEquals(stated.size(), 2 * steps.size(), f + ": steps read " + steps.size() + " of " + stated.keySet());
            for (Transcript.Step s : steps) {
                if (!Golden.abridged(s.request())) {
                    assertEquals(stated.get(s.number() + " request"), s.request().length, f + " request " + s.number());
                }
                if (!Golden.abridged(s.reply()) && !Golden.truncated(s.reply())) {
                    assertEquals(stated.get(s.number() + " reply"), s.reply().length, f + " reply " + s.number());
                }
            }
        }
    }

    @Test
    void protocolAndCommandTranscriptsReplayByteForByte() throws Exception {
        for (String f : EXACT) {
            replayExact(f, new Harness(), false);
            replayExact(f, new Harness(), true);
        }
    }

    @Test
    void argumentErrorsOfOtherCommandsReplayByteForByte() throws Exception {
        replayExact("22f-bad-enum.txt", new Harness(), false); // the real guest-file-seek
        // qemu 7.2's bool-only capture-output; guestd accepts the 8.0+ enum as well (stub with 7.2's schema)
        CommandRegistry only72 = TestCommands.registry(TestCommands.exec72());
        QgaEndpoint e = new QgaEndpoint(new Dispatcher(only72), Runnable::run);
        Transcript.Step s = Golden.load("26g-guest-exec-capture-output-string-7.2.txt").steps().get(0);
        FakeLink link = new FakeLink("26g");
        e.connected(link);
        e.received(link, ByteBuffer.wrap(s.request()));
        assertEquals(text(s.reply()), text(link.take()));
    }

    @Test
    void commandsNotImplementedYetAreNotFound() throws Exception {
        for (String f : NOT_IMPLEMENTED) {
            Harness h = new Harness();
            for (Transcript.Step s : Golden.load(f).steps()) {
                String name = (String) ((Map<?, ?>) JsonReader.parse(text(s.request()).strip())).get("execute");
                assertEquals("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command " + name
                        + " has not been found\"}}\n", text(h.send(s.request())), f + " step " + s.number());
            }
        }
    }

    @Test
    void commandsNewerThan72AnswerAsCurrentQemu() throws Exception {
        for (Map.Entry<String, String> e : NEWER_THAN_72.entrySet()) {
            Transcript.Step s = Golden.load(e.getKey()).steps().get(0);
            assertTrue(text(s.reply()).contains("has not been found"), e.getKey() + " is 7.2's not-found");
            assertEquals(e.getValue(), text(new Harness().send(s.request())), e.getKey());
            assertEquals(e.getValue(), text(new Harness().sendByteByByte(s.request())), e.getKey());
        }
    }

    /** guest-info lists our commands exactly as qemu-ga lists them: same relative order and flags. */
    @Test
    void guestInfoMatchesTranscript06() throws Exception {
        Transcript.Step s = Golden.load("06-guest-info.txt").steps().get(0);
        Map<?, ?> theirs = (Map<?, ?>) ((Map<?, ?>) JsonReader.parse(text(s.reply()).strip())).get("return");
        Harness h = new Harness();
        Map<?, ?> ours = (Map<?, ?>) ((Map<?, ?>) JsonReader.parse(text(h.send(s.request())).strip())).get("return");
        assertEquals(VERSION, ours.get("version"));
        assertEquals(List.of("version", "supported_commands"), new ArrayList<>(ours.keySet()));
        List<?> ourCmds = (List<?>) ours.get("supported_commands");
        Set<Object> registered = new HashSet<>();
        for (Object o : ourCmds) {
            assertEquals(List.of("enabled", "name", "success-response"), new ArrayList<>(((Map<?, ?>) o).keySet()));
            registered.add(((Map<?, ?>) o).get("name"));
        }
        assertEquals(QgaService.commandNames().size(), registered.size());
        List<Object> expected = new ArrayList<>();
        Set<Object> theirNames = new HashSet<>();
        for (Object o : (List<?>) theirs.get("supported_commands")) {
            theirNames.add(((Map<?, ?>) o).get("name"));
            if (registered.contains(((Map<?, ?>) o).get("name"))) {
                expected.add(o);
            }
        }
        // guestd's downstream extension is registered last and the two commands newer than 7.2 are last
        // in the schema, hence first in guest-info
        assertEquals(List.of("__org.guestd_guest-get-memory-stats", "guest-network-get-route", "guest-get-load"),
                ourCmds.subList(0, 3).stream().map(o -> ((Map<?, ?>) o).get("name")).toList());
        assertEquals(expected, ourCmds.stream().filter(o -> theirNames.contains(((Map<?, ?>) o).get("name"))).toList());
    }

    @Test
    void tokenSizeLimitTranscript24c() throws Exception {
        Transcript t = Golden.load("24c-token-size-limit-64MiB.txt");
        Harness h = new Harness();
        h.send("{\"execute\": \"guest-sync\", \"arguments\": {\"id\": 1, \"x\": \"".getBytes(StandardCharsets.US_ASCII));
        byte[] mib = new byte[1 << 20];
        Arrays.fill(mib, (byte) 'A');
        for (int i = 0; i < 64; i++) {
            h.endpoint.received(h.link, ByteBuffer.wrap(mib));
        }
        byte[] got = h.send(("A".repeat(14) + "\"}}\n").getBytes(StandardCharsets.US_ASCII));
        assertEquals(text(t.steps().get(0).reply()), text(got));
        Transcript.Step s2 = t.steps().get(1);
        assertArrayEquals(s2.reply(), h.send(s2.request()));
    }

    @Test
    void tokenCountLimitTranscript24d() throws Exception {
        Transcript t = Golden.load("24d-token-count-limit-2Mi.txt");
        StringBuilder sb = new StringBuilder(2_200_000).append('[');
        for (int i = 0; i < (1 << 20); i++) {
            sb.append("1,");
        }
        sb.append("1]\n");
        Harness h = new Harness();
        assertEquals(text(t.steps().get(0).reply()), text(h.send(sb.toString().getBytes(StandardCharsets.US_ASCII))));
        Transcript.Step s2 = t.steps().get(1);
        assertArrayEquals(s2.reply(), h.send(s2.request()));
    }

    @Test
    void blockListTranscript28() throws Exception {
        Transcript t = Golden.load("28-blocklist-b-option.txt");
        Harness h = new Harness(new ConfigSection("general", Map.of("block-rpcs", "guest-ping,guest-get-time")));
        for (Transcript.Step s : t.steps().subList(0, 3)) {
            assertEquals(text(s.reply()), text(h.send(s.request())), "step " + s.number());
        }
        // step 4 (abridged): the disabled entries, guest-get-devices (always disabled on Linux) first
        Map<?, ?> info = (Map<?, ?>) ((Map<?, ?>) JsonReader.parse(
                text(h.send(t.steps().get(3).request())).strip())).get("return");
        List<Object> disabled = new ArrayList<>();
        for (Object o : (List<?>) info.get("supported_commands")) {
            if (Boolean.FALSE.equals(((Map<?, ?>) o).get("enabled"))) {
                disabled.add(o);
            }
        }
        String abridged = t.steps().get(3).replyText();
        List<?> theirs = (List<?>) JsonReader.parse(abridged.substring(abridged.indexOf('['), abridged.lastIndexOf(']') + 1));
        assertEquals(theirs, disabled);
    }

    @Test
    void frozenStateTranscript29() throws Exception {
        Transcript t = Golden.load("29-frozen-state-at-startup.txt");
        Harness h = new Harness();
        h.freezer.status = FsFreezer.Status.FROZEN; // started with the frozen marker
        h.freezer.count = 0; // nothing was really frozen: thaw answers 0
        List<Transcript.Step> st = t.steps();
        for (int i : new int[] {0, 1, 2, 3}) {
            assertEquals(text(st.get(i).reply()), text(h.send(st.get(i).request())), "step " + (i + 1));
        }
        // step 5 (abridged): the enabled entries while frozen
        Map<?, ?> info = (Map<?, ?>) ((Map<?, ?>) JsonReader.parse(
                text(h.send(st.get(4).request())).strip())).get("return");
        List<Object> enabled = new ArrayList<>();
        for (Object o : (List<?>) info.get("supported_commands")) {
            if (Boolean.TRUE.equals(((Map<?, ?>) o).get("enabled"))) {
                enabled.add(((Map<?, ?>) o).get("name"));
            }
        }
        String abridged = st.get(4).replyText();
        List<?> theirs = (List<?>) JsonReader.parse(abridged.substring(abridged.indexOf('['), abridged.lastIndexOf(']') + 1));
        assertEquals(theirs, enabled);
        assertEquals(text(st.get(5).reply()), text(h.send(st.get(5).request())), "step 6: thaw");
        assertEquals(text(st.get(6).reply()), text(h.send(st.get(6).request())), "step 7: thawed");
        h.clock.advance(1795401858257258000L - 1795401729737082000L);
        assertEquals(text(st.get(7).reply()), text(h.send(st.get(7).request())));
        assertEquals(List.of("thaw by qga"), h.freezer.calls);
    }
}
