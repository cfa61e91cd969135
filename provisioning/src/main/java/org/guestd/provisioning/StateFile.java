// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.guestd.core.json.Json;
import org.guestd.core.json.JsonReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provisioning state file, {@code DIR/state.json} (mode 0600, directory 0700): one JSON object
 * per VM id, replaced whole on every change. {@code guestctl azure status} reads it; the format is
 * documented in provisioning/README.md.
 */
public final class StateFile {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.provisioning");
    /** The file's name in the state directory. */
    public static final String NAME = "state.json";
    /** The largest state file read (a few steps make a few KB). */
    static final int MAX_BYTES = 256 * 1024;

    private final Path dir;

    public StateFile(Path dir) {
        this.dir = dir;
    }

    /** The directory (custom data is stored beside the state file). */
    public Path dir() {
        return dir;
    }

    /** The file. */
    public Path file() {
        return dir.resolve(NAME);
    }

    /** The stored state, or empty when there is none or it cannot be read (logged). */
    public Optional<ProvisioningState> load() {
        try {
            if (Files.size(file()) > MAX_BYTES) {
                LOG.warn("provisioning state {} is larger than {} bytes: ignored", file(), MAX_BYTES);
                return Optional.empty();
            }
            return Optional.of(parse(Files.readString(file(), StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.warn("provisioning state {} unreadable ({}): treated as not provisioned", file(), e.getMessage());
            return Optional.empty();
        }
    }

    /** Replaces the stored state. */
    public void save(ProvisioningState s) throws IOException {
        Files.createDirectories(dir.getParent());
        SafeFiles.directory(dir, 0700, null, null);
        SafeFiles.write(file(), (Json.write(toJson(s)) + "\n").getBytes(StandardCharsets.UTF_8), 0600, null, null);
    }

    static Map<String, Object> toJson(ProvisioningState s) {
        List<Object> steps = new ArrayList<>();
        for (Step st : s.steps()) {
            steps.add(Json.obj("step", st.name(), "source", st.source(), "result", st.result().wireName(),
                    "detail", st.detail(), "at", st.atMillis()));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", 1);
        m.put("vmId", s.vmId());
        m.put("status", s.status().wireName());
        m.put("reason", s.reason());
        m.put("sources", s.sources());
        m.put("user", s.user());
        m.put("started", s.startedMillis());
        m.put("finished", s.finishedMillis());
        m.put("steps", steps);
        ProvisioningState.Report r = s.report();
        m.put("report", r == null ? null
                : Json.obj("kvp", r.kvp(), "health", r.health(), "via", r.via(), "at", r.atMillis()));
        return m;
    }

    @SuppressWarnings("unchecked")
    static ProvisioningState parse(String text) {
        Map<String, Object> m = (Map<String, Object>) JsonReader.parse(text);
        List<Step> steps = new ArrayList<>();
        for (Object o : (List<Object>) m.getOrDefault("steps", List.of())) {
            Map<String, Object> st = (Map<String, Object>) o;
            steps.add(new Step((String) st.get("step"), (String) st.get("source"),
                    Step.Result.valueOf(((String) st.get("result")).toUpperCase(Locale.ROOT)),
                    (String) st.get("detail"), num(st.get("at"))));
        }
        Map<String, Object> r = (Map<String, Object>) m.get("report");
        ProvisioningState.Report report = r == null ? null : new ProvisioningState.Report((String) r.get("kvp"),
                (String) r.get("health"), (String) r.get("via"), num(r.get("at")));
        return new ProvisioningState((String) m.get("vmId"), ProvisioningState.Status.parse((String) m.get("status")),
                (String) m.get("reason"), (String) m.get("sources"), (String) m.get("user"), num(m.get("started")),
                num(m.get("finished")), steps, report);
    }

    private static long num(Object o) {
        Long l = Json.asLong(o);
        return l == null ? 0 : l;
    }
}
