// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.guestd.core.env.Clock;
import org.guestd.kvp.KvpException;
import org.guestd.kvp.KvpStore;

/**
 * What guestd tells the Azure host through KVP pool 1 ({@code .kvp_pool_1}, "Guest" in the host's
 * registry), written through guestd's own {@link KvpStore} so the daemon side and the file stay
 * consistent:
 *
 * <ul>
 *   <li>the {@code PROVISIONING_REPORT} record in the format cloud-init and azure-init use — fields
 *       joined by {@code |}, quoted as CSV where needed: {@code result=success|agent=guestd/V|
 *       pps_type=None|vm_id=…|timestamp=…}, or {@code result=error|reason=…|agent=…|pps_type=None|
 *       vm_id=…|timestamp=…|documentation_url=https://aka.ms/linuxprovisioningerror};
 *   <li>telemetry events keyed as azure-init keys them, {@code guestd-V|vm_id|LEVEL|name|uuid},
 *       valued {@code Time: T | Event: message}.
 * </ul>
 *
 * Keys stay within 254 and values within 1022 UTF-8 bytes, what the host receives untruncated (the
 * kernel's UTF-16 conversion caps there); a longer event value is split at character boundaries into
 * records numbered {@code key|0}, {@code key|1}, … (cloud-init's numbering: the store keeps one value
 * per key). Written before the health report: the host reads pool 1 once it has Ready.
 *
 * <p>Pool 1 hygiene: cloud-init and azure-init truncate the whole pool file at boot when it predates
 * the boot, which also drops every record another writer keeps there. guestd never truncates and
 * never touches a record it did not write: {@code PROVISIONING_REPORT} is replaced in place, and
 * before a pass writes its events it removes its own events of earlier passes ({@link
 * #pruneEarlierEvents}: keys in guestd's event format only), so pool 1 holds one pass of guestd's
 * telemetry however often provisioning is retried.
 */
public final class KvpReport {
    /** The report's key. */
    public static final String KEY = "PROVISIONING_REPORT";
    /** Largest key the host receives whole. */
    public static final int MAX_KEY_BYTES = 254;
    /** Largest value the host receives whole. */
    public static final int MAX_VALUE_BYTES = 1022;
    static final String DOCUMENTATION_URL = "https://aka.ms/linuxprovisioningerror";
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter EVENT_TS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    /** {@code guestd-VERSION|VMID|LEVEL|NAME|UUID}, optionally {@code |N} for a chunk. */
    private static final Pattern OWN_EVENT = Pattern.compile(
            "guestd-[^|]+\\|[^|]*\\|(INFO|WARN|ERROR|DEBUG)\\|.*\\|\\p{XDigit}{8}(-\\p{XDigit}{4}){3}-\\p{XDigit}{12}(\\|\\d+)?");

    private final KvpStore store;
    private final String version;
    private final Clock clock;
    private final Supplier<UUID> ids;

    /**
     * @param version guestd's version ("0.1.0")
     * @param ids event ids (random UUIDs in the agent, fixed ones in tests)
     */
    public KvpReport(KvpStore store, String version, Clock clock, Supplier<UUID> ids) {
        this.store = store;
        this.version = version;
        this.clock = clock;
        this.ids = ids;
    }

    /** Writes {@code PROVISIONING_REPORT} for a success; returns the value written. */
    public String success(String vmId) throws KvpException {
        String v = join(List.of("result=success", "agent=guestd/" + version, "pps_type=None", "vm_id=" + vmId,
                "timestamp=" + TS.format(now())));
        put(KEY, v);
        return v;
    }

    /** Writes {@code PROVISIONING_REPORT} for a failure, the reason shortened to fit; returns the value. */
    public String failure(String vmId, String reason) throws KvpException {
        List<String> rest = List.of("agent=guestd/" + version, "pps_type=None", "vm_id=" + vmId,
                "timestamp=" + TS.format(now()), "documentation_url=" + DOCUMENTATION_URL);
        String r = reason == null ? "" : reason;
        String v = join(fields("result=error", "reason=" + r, rest));
        while (utf8(v) > MAX_VALUE_BYTES && !r.isEmpty()) {
            int keep = Math.max(0, utf8(r) - (utf8(v) - MAX_VALUE_BYTES) - 3);
            r = keep == 0 ? "" : cutToBytes(r, keep) + "...";
            v = join(fields("result=error", "reason=" + r, rest));
        }
        put(KEY, v);
        return v;
    }

    /**
     * Writes one telemetry event.
     *
     * @param level "INFO", "WARN", "ERROR"
     * @param name what happened ("provision:ssh-keys")
     * @return the keys written (one, or the numbered chunks)
     */
    public List<String> event(String vmId, String level, String name, String message) throws KvpException {
        String prefix = "guestd-" + version + "|" + vmId + "|" + level + "|";
        String suffix = "|" + ids.get();
        String value = "Time: " + EVENT_TS.format(now()) + " | Event: " + message;
        List<String> chunks = split(value);
        // room for "|NN" chunk numbers when split
        int room = MAX_KEY_BYTES - utf8(prefix) - utf8(suffix) - (chunks.size() > 1 ? 1 + String.valueOf(chunks.size()).length() : 0);
        String key = prefix + cutToBytes(name.replace('|', '/'), Math.max(0, room)) + suffix;
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            String k = chunks.size() == 1 ? key : key + "|" + i;
            put(k, chunks.get(i));
            keys.add(k);
        }
        return keys;
    }

    /**
     * Removes guestd's own telemetry events written by earlier passes (keys {@code
     * guestd-V|vm_id|LEVEL|name|uuid}, chunks {@code …|N}); every other record stays.
     *
     * @return how many records were removed
     */
    public int pruneEarlierEvents() throws KvpException {
        List<byte[]> own = new ArrayList<>();
        for (KvpStore.Entry e : store.list(KvpStore.POOL_GUEST)) {
            if (isOwnEvent(e.keyText())) {
                own.add(e.key());
            }
        }
        for (byte[] k : own) {
            store.delete(KvpStore.POOL_GUEST, k);
        }
        return own.size();
    }

    /** Whether {@code key} is a telemetry event key guestd writes (any version, any VM). */
    public static boolean isOwnEvent(String key) {
        return OWN_EVENT.matcher(key).matches();
    }

    private void put(String key, String value) throws KvpException {
        store.set(KvpStore.POOL_GUEST, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code value} in pieces of at most 1022 UTF-8 bytes, never splitting a character. */
    static List<String> split(String value) {
        List<String> out = new ArrayList<>();
        String rest = value;
        while (utf8(rest) > MAX_VALUE_BYTES) {
            String head = cutToBytes(rest, MAX_VALUE_BYTES);
            out.add(head);
            rest = rest.substring(head.length());
        }
        out.add(rest);
        return out;
    }

    /** The longest prefix of {@code s} of at most {@code max} UTF-8 bytes (whole code points). */
    static String cutToBytes(String s, int max) {
        int bytes = 0;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + n > max) {
                break;
            }
            bytes += n;
            i += Character.charCount(cp);
        }
        return s.substring(0, i);
    }

    static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static List<String> fields(String first, String second, List<String> rest) {
        List<String> l = new ArrayList<>();
        l.add(first);
        l.add(second);
        l.addAll(rest);
        return l;
    }

    /** Joins fields with {@code |}, quoting a field as CSV does when it holds {@code |}, a quote or a line break. */
    static String join(List<String> fields) {
        StringBuilder sb = new StringBuilder();
        for (String f : fields) {
            if (sb.length() > 0) {
                sb.append('|');
            }
            if (f.indexOf('|') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0) {
                sb.append('"').append(f.replace("\"", "\"\"")).append('"');
            } else {
                sb.append(f);
            }
        }
        return sb.toString();
    }

    private Instant now() {
        long n = clock.realtimeNanos();
        return Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
    }
}
