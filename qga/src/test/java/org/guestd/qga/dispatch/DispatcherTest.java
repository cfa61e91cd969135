// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.guestd.core.AgentException;
import org.guestd.core.json.Json;
import org.guestd.core.json.JsonReader;
import org.guestd.qga.command.control.GuestPing;
import org.guestd.qga.command.control.GuestSync;
import org.guestd.qga.command.control.GuestSyncDelimited;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

class DispatcherTest {
    private final QgaCommand failingNr = TestCommands.of("guest-shutdown",
            StructSpec.builder().optional("mode", ArgType.STR).build(), false, a -> {
                if ("bad".equals(a.optString("mode"))) {
                    throw AgentException.generic("mode is invalid (valid values are: halt|powerdown|reboot");
                }
                return null;
            });
    private final QgaCommand buggy = TestCommands.of("guest-get-users", StructSpec.EMPTY, true, a -> {
        throw new IllegalStateException("boom");
    });
    private final Dispatcher d = new Dispatcher(TestCommands.registry(new GuestSyncDelimited(), new GuestSync(),
            new GuestPing(), failingNr, TestCommands.fileSeek(), TestCommands.setMemoryBlocks(),
            TestCommands.sshAddKeys(), buggy));

    /** The reply line for a JSON request text (parsed strictly: tests use plain JSON). */
    private String reply(String request) {
        Reply r = d.dispatch(JsonReader.parse(request));
        return r == null ? null : new String(r.encode(), StandardCharsets.ISO_8859_1);
    }

    private static String err(String desc) {
        return "{\"error\": {\"class\": \"GenericError\", \"desc\": " + Json.write(desc) + "}}\n";
    }

    private String desc(String request) {
        Map<?, ?> body = d.dispatch(JsonReader.parse(request)).body();
        return (String) ((Map<?, ?>) body.get("error")).get("desc");
    }

    @Test
    void requestObjectChecks() {
        assertEquals(err("QMP input must be a JSON object"), reply("42"));
        assertEquals(err("QMP input must be a JSON object"), reply("[\"guest-ping\"]"));
        assertEquals(err("QMP input must be a JSON object"), reply("null"));
        assertEquals(err("QMP input lacks member 'execute'"), reply("{}"));
        assertEquals(err("QMP input lacks member 'execute'"), reply("{\"arguments\": {}}"));
        assertEquals(err("QMP input member 'foo' is unexpected"), reply("{\"foo\": 1}"));
        assertEquals(err("QMP input member 'exec-oob' is unexpected"), reply("{\"exec-oob\": \"guest-ping\"}"));
        assertEquals(err("QMP input member 'control' is unexpected"), reply("{\"execute\": \"guest-ping\", \"control\": {}}"));
        assertEquals(err("QMP input member 'execute' must be a string"), reply("{\"execute\": 1}"));
        assertEquals(err("QMP input member 'arguments' must be an object"),
                reply("{\"execute\": \"guest-ping\", \"arguments\": []}"));
    }

    @Test
    void membersAreCheckedInQdictOrderNotInputOrder() {
        // buckets: bar 254 < execute 299 < arguments 447 < foo 490
        assertEquals(err("QMP input member 'execute' must be a string"), reply("{\"foo\": 1, \"execute\": 1}"));
        assertEquals(err("QMP input member 'bar' is unexpected"), reply("{\"execute\": 1, \"bar\": 2}"));
        assertEquals(err("QMP input member 'execute' must be a string"), reply("{\"arguments\": [], \"execute\": 1}"));
    }

    @Test
    void idIsEchoedVerbatimIncludingInErrors() {
        assertEquals("{\"return\": {}, \"id\": 1}\n", reply("{\"execute\": \"guest-ping\", \"id\": 1}"));
        assertEquals("{\"return\": {}, \"id\": null}\n", reply("{\"execute\": \"guest-ping\", \"id\": null}"));
        assertEquals("{\"return\": {}, \"id\": {\"x\": [1, 2]}}\n",
                reply("{\"execute\": \"guest-ping\", \"id\": {\"x\": [1, 2]}}"));
        assertEquals("{\"id\": \"xyz\", \"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                + "\"The command guest-nonexistent has not been found\"}}\n",
                reply("{\"execute\": \"guest-nonexistent\", \"id\": \"xyz\"}"));
        assertEquals("{\"id\": 7, \"error\": {\"class\": \"GenericError\", \"desc\": "
                + "\"QMP input member 'foo' is unexpected\"}}\n", reply("{\"foo\": 1, \"id\": 7}"));
    }

    @Test
    void syncDelimitedOnlyPrefixesItsOwnSuccessfulReply() {
        Reply r = d.dispatch(JsonReader.parse("{\"execute\": \"guest-sync-delimited\", \"arguments\": {\"id\": 5}}"));
        assertTrue(r.delimited());
        byte[] b = r.encode();
        assertEquals((byte) 0xFF, b[0]);
        assertEquals("{\"return\": 5}\n", new String(b, 1, b.length - 1, StandardCharsets.ISO_8859_1));
        assertFalse(d.dispatch(JsonReader.parse("{\"execute\": \"guest-sync-delimited\", \"arguments\": {}}")).delimited());
        assertFalse(d.dispatch(JsonReader.parse("{\"execute\": \"guest-sync\", \"arguments\": {\"id\": 5}}")).delimited());
    }

    @Test
    void noSuccessResponseCommandsAnswerOnlyErrors() {
        assertNull(reply("{\"execute\": \"guest-shutdown\"}"));
        assertNull(reply("{\"execute\": \"guest-shutdown\", \"id\": 3}"));
        assertEquals(err("mode is invalid (valid values are: halt|powerdown|reboot"),
                reply("{\"execute\": \"guest-shutdown\", \"arguments\": {\"mode\": \"bad\"}}"));
        assertEquals(err("Invalid parameter type for 'mode', expected: string"),
                reply("{\"execute\": \"guest-shutdown\", \"arguments\": {\"mode\": 1}}"));
    }

    @Test
    void runtimeExceptionBecomesGenericErrorAndDispatchGoesOn() {
        Map<?, ?> e = (Map<?, ?>) d.dispatch(JsonReader.parse("{\"execute\": \"guest-get-users\", \"id\": 9}"))
                .body().get("error");
        assertEquals(ErrorClass.GENERIC_ERROR.wireName(), e.get("class"));
        assertTrue(((String) e.get("desc")).contains("boom"));
        assertEquals("{\"return\": {}}\n", reply("{\"execute\": \"guest-ping\"}"));
    }

    @Test
    void scalarArgumentChecks() {
        assertEquals("Parameter 'id' is missing", desc("{\"execute\": \"guest-sync\", \"arguments\": {}}"));
        assertEquals("Parameter 'id' is missing", desc("{\"execute\": \"guest-sync\"}"));
        for (String bad : List.of("\"abc\"", "1.0", "1e3", "null", "true", "[]", "{}", "9223372036854775808")) {
            assertEquals("Invalid parameter type for 'id', expected: integer",
                    desc("{\"execute\": \"guest-sync\", \"arguments\": {\"id\": " + bad + "}}"), bad);
        }
        assertEquals("Parameter 'foo' is unexpected", desc("{\"execute\": \"guest-ping\", \"arguments\": {\"foo\": 42}}"));
        // members are checked in schema order before unexpected ones
        assertEquals("Invalid parameter type for 'id', expected: integer",
                desc("{\"execute\": \"guest-sync\", \"arguments\": {\"foo\": 1, \"id\": \"x\"}}"));
        assertEquals("Parameter 'foo' is unexpected",
                desc("{\"execute\": \"guest-sync\", \"arguments\": {\"foo\": 1, \"id\": 2}}"));
    }

    @Test
    void alternateAndEnum() {
        String pre = "{\"execute\": \"guest-file-seek\", \"arguments\": {\"handle\": 1, \"offset\": 0";
        assertEquals("Parameter 'whence' does not accept value 'bogus'", desc(pre + ", \"whence\": \"bogus\"}}"));
        assertEquals("Invalid parameter type for 'whence', expected: GuestFileWhence", desc(pre + ", \"whence\": true}}"));
        assertEquals("Invalid parameter type for 'whence', expected: GuestFileWhence", desc(pre + ", \"whence\": null}}"));
        assertEquals("Invalid parameter type for 'whence', expected: integer", desc(pre + ", \"whence\": 1.5}}"));
        assertEquals("Parameter 'whence' is missing", desc(pre + "}}"));
        Map<?, ?> ok = (Map<?, ?>) d.dispatch(JsonReader.parse(pre + ", \"whence\": \"cur\"}}")).body().get("return");
        assertEquals("cur", ok.get("whence"));
        ok = (Map<?, ?>) d.dispatch(JsonReader.parse(pre + ", \"whence\": 2}}")).body().get("return");
        assertEquals(2L, ok.get("whence"));
    }

    @Test
    void nestedMembersAreNamedByTheirPath() {
        String pre = "{\"execute\": \"guest-set-memory-blocks\", \"arguments\": {\"mem-blks\": ";
        assertEquals("Parameter 'mem-blks' is missing", desc(pre.replace("\"mem-blks\": ", "") + "}}"));
        assertEquals("Invalid parameter type for 'mem-blks', expected: array", desc(pre + "{}}}"));
        assertEquals("Invalid parameter type for 'mem-blks[0]', expected: object", desc(pre + "[1]}}"));
        assertEquals("Parameter 'mem-blks[0].phys-index' is missing", desc(pre + "[{\"online\": true}]}}"));
        assertEquals("Invalid parameter type for 'mem-blks[1].online', expected: boolean",
                desc(pre + "[{\"phys-index\": 1, \"online\": true}, {\"phys-index\": 2, \"online\": 1}]}}"));
        assertEquals("Parameter 'mem-blks[0].foo' is unexpected",
                desc(pre + "[{\"phys-index\": 1, \"online\": true, \"foo\": 0}]}}"));
        assertEquals("Parameter 'mem-blks[0].phys-index' expects uint64",
                desc(pre + "[{\"phys-index\": \"x\", \"online\": true}]}}"));
        assertEquals("Parameter 'mem-blks[0].phys-index' expects uint64",
                desc(pre + "[{\"phys-index\": 1.5, \"online\": true}]}}"));
        Map<?, ?> ok = (Map<?, ?>) d.dispatch(JsonReader.parse(pre
                + "[{\"phys-index\": 18446744073709551615, \"online\": false}, {\"phys-index\": -1, \"online\": true,"
                + " \"can-offline\": true}]}}")).body().get("return");
        List<?> blks = (List<?>) ok.get("mem-blks");
        Args first = (Args) blks.get(0);
        assertEquals(-1L, first.getLong("phys-index"), "uint64 max as two's complement bits");
        assertFalse(first.has("can-offline"));
        assertEquals(-1L, ((Args) blks.get(1)).getLong("phys-index"), "negative accepted for compatibility");
        assertEquals(Boolean.TRUE, ((Args) blks.get(1)).optBoolean("can-offline"));
    }

    @Test
    void listElementsOfScalarType() {
        String pre = "{\"execute\": \"guest-ssh-add-authorized-keys\", \"arguments\": {\"username\": \"u\", \"keys\": ";
        assertEquals("Invalid parameter type for 'keys[1]', expected: string", desc(pre + "[\"a\", 1]}}"));
        assertEquals("Invalid parameter type for 'reset', expected: boolean", desc(pre + "[], \"reset\": 0}}"));
        Map<?, ?> ok = (Map<?, ?>) d.dispatch(JsonReader.parse(pre + "[\"a\", \"b\"]}}")).body().get("return");
        assertEquals(List.of("a", "b"), ok.get("keys"));
    }

    @Test
    void enumInsideAListIsReportedAsNullLikeQemu() throws AgentException {
        StructSpec spec = StructSpec.builder()
                .required("modes", ArgType.listOf(ArgType.enumOf("Mode", "a", "b"))).build();
        AgentException e = Assertions.assertThrows(AgentException.class,
                () -> InputVisitor.visitArguments(spec, Map.of("modes", List.of("a", "z"))));
        assertEquals("Parameter 'null' does not accept value 'z'", e.getMessage());
        assertEquals(List.of("a", "b"), InputVisitor.visitArguments(spec, Map.of("modes", List.of("a", "b")))
                .getList("modes"));
    }

    @Test
    void numberAcceptsAnyJsonNumber() throws AgentException {
        StructSpec spec = StructSpec.builder().required("n", ArgType.NUMBER).build();
        assertEquals(3.0, InputVisitor.visitArguments(spec, Map.of("n", 3L)).getDouble("n"));
        assertEquals(1.8446744073709552E19, InputVisitor.visitArguments(spec,
                Map.of("n", new BigInteger("18446744073709551615"))).getDouble("n"));
        AgentException e = Assertions.assertThrows(AgentException.class,
                () -> InputVisitor.visitArguments(spec, Map.of("n", "1")));
        assertEquals("Invalid parameter type for 'n', expected: number", e.getMessage());
    }

    /**
     * While a thaw is under way the frozen check waits for its end, so no request goes to the I/O
     * thread's fast path then; the freeze allow-list (ping, sync, info) never reads the state.
     */
    @Test
    void nothingIsQuickWhileTheFrozenStateIsChangingAndTheAllowListNeverReadsIt() {
        AtomicBoolean settled = new AtomicBoolean(true);
        AtomicInteger frozenReads = new AtomicInteger();
        d.registry().setFrozenState(() -> {
            frozenReads.incrementAndGet();
            return false;
        }, settled::get);
        Object ping = JsonReader.parse("{\"execute\": \"guest-ping\"}");
        assertTrue(d.isQuick(ping));
        settled.set(false);
        assertFalse(d.isQuick(ping));
        settled.set(true);
        assertEquals("{\"return\": {}}\n", reply("{\"execute\": \"guest-ping\"}"));
        assertEquals(0, frozenReads.get(), "guest-ping is on the freeze allow-list");
        reply("{\"execute\": \"guest-get-users\"}");
        assertEquals(1, frozenReads.get());
    }
}
