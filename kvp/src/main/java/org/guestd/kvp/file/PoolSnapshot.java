// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.file;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.guestd.kvp.KvpStore;

/**
 * An immutable in-memory image of one pool file: its records as read (raw 2560-byte records, so
 * records we do not touch are written back byte for byte, including whatever follows their NULs)
 * and an index key → first record, which is what hv_kvp_daemon's {@code memcmp(key, record.key,
 * key_size)} loop finds (key_size includes the NUL, so a record matches when its key field holds
 * exactly the key followed by a NUL). A trailing partial record is ignored, as fread() does.
 */
public final class PoolSnapshot {
    /** One record: key field 512 bytes + value field 2048 bytes. */
    public static final int RECORD = KvpStore.MAX_KEY_SIZE + KvpStore.MAX_VALUE_SIZE;

    static final PoolSnapshot EMPTY = new PoolSnapshot(List.of());

    private final List<byte[]> records;
    private final Map<ByteBuffer, Integer> index;

    private PoolSnapshot(List<byte[]> records) {
        this.records = Collections.unmodifiableList(records);
        Map<ByteBuffer, Integer> idx = new HashMap<>(records.size() * 2);
        for (int i = 0; i < records.size(); i++) {
            byte[] key = keyOf(records.get(i));
            if (key != null) {
                idx.putIfAbsent(ByteBuffer.wrap(key), i);
            }
        }
        this.index = idx;
    }

    /** Parses a pool file's bytes (whole records only). */
    public static PoolSnapshot parse(byte[] file) {
        int n = file.length / RECORD;
        List<byte[]> list = new ArrayList<>(n + 1);
        for (int i = 0; i < n; i++) {
            list.add(Arrays.copyOfRange(file, i * RECORD, (i + 1) * RECORD));
        }
        return new PoolSnapshot(list);
    }

    /** The file image: the records back to back. */
    public byte[] encode() {
        byte[] out = new byte[records.size() * RECORD];
        for (int i = 0; i < records.size(); i++) {
            System.arraycopy(records.get(i), 0, out, i * RECORD, RECORD);
        }
        return out;
    }

    public int size() {
        return records.size();
    }

    /** Index of the first record whose key is {@code key}, or -1. */
    public int find(byte[] key) {
        Integer i = index.get(ByteBuffer.wrap(key));
        return i == null ? -1 : i;
    }

    /** The value of record {@code i} (bytes before its first NUL). */
    public byte[] value(int i) {
        return cString(records.get(i), KvpStore.MAX_KEY_SIZE, KvpStore.MAX_VALUE_SIZE);
    }

    /** Record {@code i} as an entry. */
    public KvpStore.Entry entry(int i) {
        byte[] r = records.get(i);
        return new KvpStore.Entry(cString(r, 0, KvpStore.MAX_KEY_SIZE), value(i));
    }

    /** Every record as an entry, in file order. */
    public List<KvpStore.Entry> entries() {
        List<KvpStore.Entry> out = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            out.add(entry(i));
        }
        return out;
    }

    /** A copy with record {@code i}'s value field replaced (key field kept as it was). */
    PoolSnapshot withValue(int i, byte[] value) {
        List<byte[]> copy = new ArrayList<>(records);
        byte[] r = copy.get(i).clone();
        Arrays.fill(r, KvpStore.MAX_KEY_SIZE, RECORD, (byte) 0);
        System.arraycopy(value, 0, r, KvpStore.MAX_KEY_SIZE, value.length);
        copy.set(i, r);
        return new PoolSnapshot(copy);
    }

    /** A copy with a new record at the end. */
    PoolSnapshot withAppended(byte[] key, byte[] value) {
        List<byte[]> copy = new ArrayList<>(records.size() + 1);
        copy.addAll(records);
        copy.add(record(key, value));
        return new PoolSnapshot(copy);
    }

    /** A copy without record {@code i}; later records move up one place, as the daemon does. */
    PoolSnapshot without(int i) {
        List<byte[]> copy = new ArrayList<>(records);
        copy.remove(i);
        return new PoolSnapshot(copy);
    }

    /** A NUL-padded record. */
    public static byte[] record(byte[] key, byte[] value) {
        byte[] r = new byte[RECORD];
        System.arraycopy(key, 0, r, 0, key.length);
        System.arraycopy(value, 0, r, KvpStore.MAX_KEY_SIZE, value.length);
        return r;
    }

    /** The key of a raw record, or null when its key field has no NUL (no key can match it). */
    private static byte[] keyOf(byte[] r) {
        for (int i = 0; i < KvpStore.MAX_KEY_SIZE; i++) {
            if (r[i] == 0) {
                return Arrays.copyOf(r, i);
            }
        }
        return null;
    }

    private static byte[] cString(byte[] b, int off, int max) {
        int end = off;
        while (end < off + max && b[end] != 0) {
            end++;
        }
        return Arrays.copyOfRange(b, off, end);
    }
}
