// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.guestd.core.json.Json;
import org.guestd.core.json.JsonReader;
import org.guestd.kvp.KvpException;
import org.guestd.kvp.KvpStore;
import org.guestd.kvp.file.FileKvpStore;

/**
 * {@code guestctl azure status [--json] [--state-dir DIR] [--pool-dir DIR] [--sys DIR]}: whether
 * this is an Azure VM, guestd's provisioning state (the provisioning feature's state file, read as
 * JSON: see provisioning/README.md) and the last report — what the wire server was told and the
 * {@code PROVISIONING_REPORT} record in KVP pool 1. Reads only; safe beside the running agent.
 * Exit status: 0 provisioned and Ready delivered; 1 no provisioning by guestd recorded here;
 * 4 provisioning failed or its report is not delivered; 2 usage; 3 a file cannot be read.
 */
final class AzureStatus {
    static final String HELP = "usage: guestctl azure status [--json] [--state-dir DIR] [--pool-dir DIR] [--sys DIR]";
    static final String DEFAULT_STATE_DIR = "/var/lib/guestd/provisioning";
    private static final String ASSET_TAG = "7783-7084-3265-9085-8269-3286-77";

    private AzureStatus() {}

    static int run(List<String> args, PrintStream out, PrintStream err) {
        boolean json = false;
        Path stateDir = Path.of(DEFAULT_STATE_DIR);
        Path poolDir = Path.of(FileKvpStore.DEFAULT_DIR);
        Path sys = Path.of("/sys");
        if (args.isEmpty() || !args.get(0).equals("status")) {
            err.println(HELP);
            return GuestCtl.USAGE;
        }
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--json")) {
                json = true;
            } else if (i + 1 < args.size() && a.equals("--state-dir")) {
                stateDir = Path.of(args.get(++i));
            } else if (i + 1 < args.size() && a.equals("--pool-dir")) {
                poolDir = Path.of(args.get(++i));
            } else if (i + 1 < args.size() && a.equals("--sys")) {
                sys = Path.of(args.get(++i));
            } else {
                err.println(HELP);
                return GuestCtl.USAGE;
            }
        }
        boolean azure;
        try {
            azure = ASSET_TAG.equals(Files.readString(sys.resolve("class/dmi/id/chassis_asset_tag"), UTF_8).strip());
        } catch (IOException e) {
            azure = false;
        }
        Map<String, Object> state;
        String report;
        try {
            state = readState(stateDir.resolve("state.json"));
            report = readReport(poolDir);
        } catch (IOException | KvpException | IllegalArgumentException | ClassCastException e) {
            err.println("guestctl: " + e.getMessage());
            return GuestCtl.IO;
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("azure", azure);
            m.put("state", state);
            m.put("kvpReport", report);
            out.println(Json.write(m));
        } else {
            text(out, azure, state, report);
        }
        if (state == null) {
            return 1;
        }
        Object r = state.get("report");
        boolean ready = "provisioned".equals(state.get("status")) && r instanceof Map<?, ?> rm && "Ready".equals(rm.get("health"));
        return ready ? GuestCtl.OK : 4;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readState(Path f) throws IOException {
        try {
            if (Files.size(f) > 1024 * 1024) {
                throw new IOException(f + " is larger than 1 MiB");
            }
            Object v = JsonReader.parse(Files.readString(f, UTF_8));
            if (!(v instanceof Map)) {
                throw new IOException(f + " is not a JSON object");
            }
            return (Map<String, Object>) v;
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static String readReport(Path poolDir) throws KvpException {
        if (!Files.exists(poolDir.resolve(".kvp_pool_1"))) {
            return null;
        }
        KvpStore store = new FileKvpStore(FileKvpStore.Options.defaults(poolDir));
        Optional<byte[]> v = store.get(KvpStore.POOL_GUEST, "PROVISIONING_REPORT".getBytes(UTF_8));
        return v.map(b -> new String(b, UTF_8)).orElse(null);
    }

    @SuppressWarnings("unchecked")
    private static void text(PrintStream out, boolean azure, Map<String, Object> s, String report) {
        out.println("Azure VM:        " + (azure ? "yes (chassis asset tag)" : "no"));
        if (s == null) {
            out.println("provisioning:    none recorded by guestd");
        } else {
            out.println("provisioning:    " + s.get("status") + " (VM " + s.get("vmId") + ", from " + s.get("sources") + ")");
            out.println("user:            " + orDash(s.get("user")));
            out.println("started:         " + time(s.get("started")));
            out.println("finished:        " + time(s.get("finished")));
            if (s.get("reason") != null) {
                out.println("reason:          " + s.get("reason"));
            }
            for (Object o : (List<Object>) s.getOrDefault("steps", List.of())) {
                Map<String, Object> st = (Map<String, Object>) o;
                out.printf("  %-12s %-9s %-8s %s%n", st.get("step"), st.get("result"), st.get("source"), st.get("detail"));
            }
            Object r = s.get("report");
            if (r instanceof Map<?, ?> rm) {
                out.println("health report:   " + (rm.get("health") == null ? "not delivered" : rm.get("health"))
                        + " — " + rm.get("via") + " at " + time(rm.get("at")));
            } else {
                out.println("health report:   none yet");
            }
        }
        out.println("KVP report:      " + orDash(report));
    }

    private static String orDash(Object o) {
        return o == null ? "-" : o.toString();
    }

    private static String time(Object millis) {
        Long l = Json.asLong(millis);
        return l == null || l == 0 ? "-" : Instant.ofEpochMilli(l).toString();
    }
}
