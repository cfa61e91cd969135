// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.freeze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.guestd.core.AgentException;
import org.guestd.core.json.JsonReader;
import org.guestd.core.testing.FakeClock;
import org.guestd.core.config.ConfigSection;
import org.guestd.freeze.FsFreezer;
import org.guestd.freeze.FsTrimmer;
import org.guestd.qga.QgaFeatures;
import org.guestd.qga.QgaService;
import org.guestd.qga.dispatch.Dispatcher;
import org.guestd.qga.testing.FakeFsFreezer;
import org.guestd.qga.testing.FakeGuestInfo;
import org.junit.jupiter.api.Test;

class FreezeCommandsTest {
    private final FakeFsFreezer freezer = new FakeFsFreezer();

    private Dispatcher dispatcher(boolean withEngine) throws AgentException {
        QgaFeatures f = QgaFeatures.of(new FakeGuestInfo(), new FakeClock(5_000));
        if (withEngine) {
            f = f.withFreeze(freezer, freezer);
        }
        return QgaService.newDispatcher(f, "v", ConfigSection.empty("general"));
    }

    private static String run(Dispatcher d, String request) {
        return new String(d.dispatch(JsonReader.parse(request)).encode(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void statusWordsAreQapis() {
        assertEquals("thawed", GuestFsfreezeStatus.wire(FsFreezer.Status.THAWED));
        assertEquals("frozen", GuestFsfreezeStatus.wire(FsFreezer.Status.FROZEN));
    }

    @Test
    void freezeListThawAndStatusGoToTheEngine() throws Exception {
        Dispatcher d = dispatcher(true);
        assertEquals("{\"return\": \"thawed\"}\n", run(d, "{\"execute\": \"guest-fsfreeze-status\"}"));
        assertEquals("{\"return\": 2}\n", run(d, "{\"execute\": \"guest-fsfreeze-freeze-list\", "
                + "\"arguments\": {\"mountpoints\": [\"/a\", \"/b\"]}}"));
        assertEquals("{\"return\": \"frozen\"}\n", run(d, "{\"execute\": \"guest-fsfreeze-status\"}"));
        assertEquals("{\"return\": 2}\n", run(d, "{\"execute\": \"guest-fsfreeze-thaw\"}"));
        assertEquals("{\"return\": 2}\n", run(d, "{\"execute\": \"guest-fsfreeze-freeze\"}"));
        assertEquals("{\"return\": 2}\n", run(d, "{\"execute\": \"guest-fsfreeze-thaw\"}"));
        assertEquals("{\"return\": 0}\n", run(d, "{\"execute\": \"guest-fsfreeze-thaw\"}"));
        assertEquals(List.of("freeze [/a, /b] by qga", "thaw by qga", "freeze null by qga", "thaw by qga",
                "thaw by qga"), freezer.calls);
    }

    @Test
    void whileFrozenOnlyQemuGasAllowListAnswers() throws Exception {
        Dispatcher d = dispatcher(true);
        freezer.status = FsFreezer.Status.FROZEN;
        assertEquals("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"Command guest-get-time has been "
                + "disabled: the agent is in frozen state\"}}\n", run(d, "{\"execute\": \"guest-get-time\"}"));
        assertEquals("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"Command guest-fsfreeze-freeze has "
                + "been disabled: the agent is in frozen state\"}}\n", run(d, "{\"execute\": \"guest-fsfreeze-freeze\"}"));
        assertEquals("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"Command guest-fstrim has been "
                + "disabled: the agent is in frozen state\"}}\n", run(d, "{\"execute\": \"guest-fstrim\"}"));
        assertEquals("{\"return\": {}}\n", run(d, "{\"execute\": \"guest-ping\"}"));
        assertEquals("{\"return\": 2}\n", run(d, "{\"execute\": \"guest-fsfreeze-thaw\"}"));
        assertEquals("{\"return\": 5000}\n", run(d, "{\"execute\": \"guest-get-time\"}"));
    }

    @Test
    void engineErrorsAreTheReplyAndArgumentsAreChecked() throws Exception {
        Dispatcher d = dispatcher(true);
        freezer.failure = AgentException.generic("failed to freeze /x: Input/output error");
        assertEquals("{\"error\": {\"class\": \"GenericError\", \"desc\": \"failed to freeze /x: Input/output error\"}}\n",
                run(d, "{\"execute\": \"guest-fsfreeze-freeze\"}"));
        assertEquals("{\"error\": {\"class\": \"GenericError\", \"desc\": \"Invalid parameter type for 'mountpoints[0]', "
                + "expected: string\"}}\n", run(d, "{\"execute\": \"guest-fsfreeze-freeze-list\", "
                + "\"arguments\": {\"mountpoints\": [1]}}"));
    }

    @Test
    void withoutTheFreezeServiceTheCommandsAreDisabledAsInQemuGaWithoutFsfreeze() throws Exception {
        Dispatcher d = dispatcher(false);
        for (String c : List.of("guest-fsfreeze-status", "guest-fsfreeze-freeze", "guest-fsfreeze-freeze-list",
                "guest-fsfreeze-thaw", "guest-fstrim")) {
            assertEquals("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"Command " + c
                    + " has been disabled\"}}\n", run(d, "{\"execute\": \"" + c + "\"}"));
            assertFalse(d.registry().isEnabled(c));
        }
        assertTrue(d.registry().isEnabled("guest-get-time"), "not frozen without an engine");
    }

    @Test
    void fstrimReplyShape() throws Exception {
        Dispatcher d = dispatcher(true);
        freezer.trimResults = List.of(new FsTrimmer.TrimResult("/home", 4096L, 0L, null),
                new FsTrimmer.TrimResult("/boot", null, null, "trim not supported"));
        String out = run(d, "{\"execute\": \"guest-fstrim\", \"arguments\": {\"minimum\": 0}}");
        Map<?, ?> r = (Map<?, ?>) ((Map<?, ?>) JsonReader.parse(out.strip())).get("return");
        List<?> paths = (List<?>) r.get("paths");
        assertEquals(Map.of("path", "/home", "trimmed", 4096L, "minimum", 0L), paths.get(0));
        assertEquals(Map.of("path", "/boot", "error", "trim not supported"), paths.get(1));
        assertEquals(List.of("trim 0"), freezer.calls);
    }
}
