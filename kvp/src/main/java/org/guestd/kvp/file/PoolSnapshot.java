// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.file;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.guestd.kvp.KvpStore;

/**
 * An immutable in-memory image of one pool file: its records as read (raw 2560-byte records, so
 * records we do not touch are written back byte for byte, including whatever follows their NULs)
 * and an index key → first record, which is what hv_kvp_daemon's {@code memcmp(key, record.key,
 * key_size)} loop finds (key_size includes the NUL, so a record matches when its key field holds
 * exactly the key followed by a NUL). A trailing partial record is ignored, as fread() does.
 */
public final class PoolSnapshot implements KvpStore.View {
    /** One record: key field 512 bytes + value field 2048 bytes. */
    public static final int RECORD = KvpStore.MAX_KEY_SIZE + KvpStore.MAX_VALUE_SIZE;

    static final PoolSnapshot EMPTY = new PoolSnapshot(List.of());

    /** How a snapshot differs from the one it was derived from, so the file can be changed to match. */
    enum Edit {
        /** Read from a file (or a rewrite): the file is replaced as a whole. */
        WHOLE,
        /** One record's bytes changed in place ({@link #editedSlot()}); nothing moved. */
        REPLACE,
        /** One record added at the end ({@link #editedSlot()} = the old size). */
        APPEND
    }

    private final List<byte[]> records;
    private final Map<ByteBuffer, Integer> index;
    private final Edit edit;
    private final int editedSlot;

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
        this.edit = Edit.WHOLE;
        this.editedSlot = -1;
    }

    /** A derived snapshot sharing what did not change (the index is never mutated once published). */
    private PoolSnapshot(List<byte[]> records, Map<ByteBuffer, Integer> index, Edit edit, int editedSlot) {
        this.records = Collections.unmodifiableList(records);
        this.index = index;
        this.edit = edit;
        this.editedSlot = editedSlot;
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

    @Override
    public Optional<byte[]> get(byte[] key) {
        int i = find(key);
        return i < 0 ? Optional.empty() : Optional.of(value(i));
    }

    @Override
    public Optional<KvpStore.Entry> enumerate(int index) {
        return index < 0 || index >= size() ? Optional.empty() : Optional.of(entry(index));
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

    /** How this snapshot was derived from its predecessor. */
    Edit edit() {
        return edit;
    }

    /** The slot {@link #edit()} changed, or -1 for {@link Edit#WHOLE}. */
    int editedSlot() {
        return editedSlot;
    }

    /** Record {@code i}'s raw 2560 bytes (not to be modified). */
    byte[] rawRecord(int i) {
        return records.get(i);
    }

    /** A copy with record {@code i}'s value field replaced (key field kept as it was; same index). */
    PoolSnapshot withValue(int i, byte[] value) {
        List<byte[]> copy = new ArrayList<>(records);
        byte[] r = copy.get(i).clone();
        Arrays.fill(r, KvpStore.MAX_KEY_SIZE, RECORD, (byte) 0);
        System.arraycopy(value, 0, r, KvpStore.MAX_KEY_SIZE, value.length);
        copy.set(i, r);
        return new PoolSnapshot(copy, index, Edit.REPLACE, i);
    }

    /** A copy with a new record at the end. */
    PoolSnapshot withAppended(byte[] key, byte[] value) {
        List<byte[]> copy = new ArrayList<>(records.size() + 1);
        copy.addAll(records);
        copy.add(record(key, value));
        Map<ByteBuffer, Integer> idx = new HashMap<>(index);
        idx.putIfAbsent(ByteBuffer.wrap(key.clone()), records.size());
        return new PoolSnapshot(copy, idx, Edit.APPEND, records.size());
    }

    /** A copy with record {@code i} replaced by {@code raw} (recovery of a torn write). */
    PoolSnapshot withRaw(int i, byte[] raw) {
        List<byte[]> copy = new ArrayList<>(records);
        copy.set(i, raw.clone());
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
