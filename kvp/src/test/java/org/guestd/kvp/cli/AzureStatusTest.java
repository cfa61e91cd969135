// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.guestd.core.json.JsonReader;
import org.guestd.kvp.file.FileKvpStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AzureStatusTest {
    @TempDir
    Path tmp;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        return GuestCtl.run(args, new PrintStream(out, true), new PrintStream(err, true));
    }

    static final String STATE = "{\"version\": 1, \"vmId\": \"vm-1\", \"status\": \"provisioned\", \"reason\": null, "
            + "\"sources\": \"imds\", \"user\": \"azureuser\", \"started\": 1767225600000, \"finished\": 1767225601000, "
            + "\"steps\": [{\"step\": \"user\", \"source\": \"imds\", \"result\": \"done\", \"detail\": \"azureuser created\", "
            + "\"at\": 1767225600500}], \"report\": {\"kvp\": \"result=success\", \"health\": \"Ready\", "
            + "\"via\": \"json /provisioning/health\", \"at\": 1767225602000}}\n";

    @Test
    void showsStateAndReport() throws Exception {
        Files.createDirectories(tmp.resolve("state"));
        Files.writeString(tmp.resolve("state/state.json"), STATE);
        Files.createDirectories(tmp.resolve("sys/class/dmi/id"));
        Files.writeString(tmp.resolve("sys/class/dmi/id/chassis_asset_tag"), "7783-7084-3265-9085-8269-3286-77\n");
        FileKvpStore store = new FileKvpStore(FileKvpStore.Options.defaults(tmp.resolve("kvp")));
        store.init();
        store.set(1, "PROVISIONING_REPORT".getBytes(StandardCharsets.UTF_8), "result=success|agent=guestd/0.1.0".getBytes(StandardCharsets.UTF_8));
        String[] common = {"--state-dir", tmp.resolve("state").toString(), "--pool-dir", tmp.resolve("kvp").toString(),
            "--sys", tmp.resolve("sys").toString()};
        assertEquals(0, run(concat(new String[] {"azure", "status"}, common)));
        String o = out.toString(StandardCharsets.UTF_8);
        assertTrue(o.contains("Azure VM:        yes (chassis asset tag)\n"), o);
        assertTrue(o.contains("provisioning:    provisioned (VM vm-1, from imds)\n"), o);
        assertTrue(o.contains("  user         done      imds     azureuser created\n"), o);
        assertTrue(o.contains("health report:   Ready — json /provisioning/health at 2026-01-01T00:00:02Z\n"), o);
        assertTrue(o.contains("KVP report:      result=success|agent=guestd/0.1.0\n"), o);
        out.reset();
        assertEquals(0, run(concat(new String[] {"azure", "status", "--json"}, common)));
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) JsonReader.parse(out.toString(StandardCharsets.UTF_8));
        assertEquals(Boolean.TRUE, m.get("azure"));
        assertEquals("result=success|agent=guestd/0.1.0", m.get("kvpReport"));
        assertEquals("vm-1", ((Map<?, ?>) m.get("state")).get("vmId"));
    }

    @Test
    void nothingRecordedFailedAndUsage() throws Exception {
        assertEquals(1, run("azure", "status", "--state-dir", tmp.toString(), "--pool-dir", tmp.toString(), "--sys", tmp.toString()));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("provisioning:    none recorded by guestd"));
        Files.writeString(tmp.resolve("state.json"), STATE.replace("\"provisioned\"", "\"failed\"").replace("\"Ready\"", "\"NotReady\""));
        assertEquals(4, run("azure", "status", "--state-dir", tmp.toString(), "--pool-dir", tmp.toString()));
        Files.writeString(tmp.resolve("state.json"), "{broken");
        assertEquals(3, run("azure", "status", "--state-dir", tmp.toString(), "--pool-dir", tmp.toString()));
        assertEquals(2, run("azure", "frobnicate"));
        assertEquals(2, run("azure", "status", "--bogus"));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
