// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.guestd.accounts.Accounts;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.env.HostPaths;
import org.guestd.core.json.JsonReader;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.testing.FakeClock;
import org.guestd.files.FileHandles;
import org.guestd.process.ProcessRunner;
import org.guestd.qga.QgaFeatures;
import org.guestd.qga.QgaService;
import org.guestd.qga.dispatch.Dispatcher;

/**
 * The whole QGA protocol minus the transport for command tests: a dispatcher built by {@link
 * QgaService#newDispatcher} over {@link QgaFeatures} with the real process, file and account
 * features on a state dir, fixture paths and a fake command runner; requests are JSON text,
 * replies the decoded wire bytes.
 */
public final class Qga {
    private final Dispatcher dispatcher;

    public Qga(Path stateDir, HostPaths paths, CommandRunner runner) throws Exception {
        this(QgaFeatures.of(new FakeGuestInfo(), new FakeClock(0))
                .withProcesses(new ProcessRunner())
                .withFiles(new FileHandles(stateDir))
                .withAccounts(new Accounts(paths, runner)));
    }

    /** Over exactly {@code features}. */
    public Qga(QgaFeatures features) throws Exception {
        dispatcher = QgaService.newDispatcher(features, "test", ConfigSection.empty("general"));
    }

    /** The reply line to one request, exactly as it would go on the wire (without the newline). */
    public String raw(String request) {
        byte[] b = dispatcher.dispatch(JsonReader.parse(request)).encode();
        return new String(b, StandardCharsets.UTF_8).strip();
    }

    /** The decoded reply object. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> call(String request) {
        return (Map<String, Object>) JsonReader.parse(raw(request));
    }

    /** The {@code return} member; fails with the error text when the reply is an error. */
    public Object ok(String request) {
        Map<String, Object> r = call(request);
        if (!r.containsKey("return")) {
            throw new AssertionError(request + " -> " + r);
        }
        return r.get("return");
    }

    /** The error's {@code desc}; fails when the reply is not an error. */
    @SuppressWarnings("unchecked")
    public String error(String request) {
        Map<String, Object> r = call(request);
        if (!r.containsKey("error")) {
            throw new AssertionError("expected an error: " + request + " -> " + r);
        }
        return (String) ((Map<String, Object>) r.get("error")).get("desc");
    }
}
