// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.guestd.kvp.KvpException;
import org.guestd.kvp.KvpStore;

/**
 * TEST ONLY — a stand-in for the kvp module's real store until it is merged: {@code .kvp_pool_N}
 * files of 2560-byte records (512-byte key, 2048-byte value, NUL-padded), rewritten whole (through
 * a temp file and rename) on a delete, a changed or added record written in place; records kept in
 * memory. No locking, no reload on foreign writes, not crash-safe. The differential test and the benchmark get their store from
 * {@link KvpSides#guestdStore}; swap that one line for the real store.
 */
final class TestOnlyFileKvpStore implements KvpStore {
    static final int RECORD = 2560;
    private final Path dir;
    private final List<List<Entry>> pools = new ArrayList<>();
    /** Per pool: key → record index (kept in step with the list). */
    private final List<java.util.Map<ByteBuffer, Integer>> index = new ArrayList<>();
    private final FileChannel[] channels = new FileChannel[POOL_COUNT];

    TestOnlyFileKvpStore(Path dir) throws IOException {
        this.dir = dir;
        for (int p = 0; p < POOL_COUNT; p++) {
            pools.add(read(dir.resolve(".kvp_pool_" + p)));
            index.add(new java.util.HashMap<>());
            reindex(p);
        }
    }

    /** The records of a pool file: key and value up to their NUL. */
    static List<Entry> read(Path file) throws IOException {
        List<Entry> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        byte[] b = Files.readAllBytes(file);
        for (int off = 0; off + RECORD <= b.length; off += RECORD) {
            out.add(new Entry(Wire.cBytes(b, off, MAX_KEY_SIZE), Wire.cBytes(b, off + MAX_KEY_SIZE, MAX_VALUE_SIZE)));
        }
        return out;
    }

    private int checked(int pool) throws KvpException {
        pool(pool);
        return pool;
    }

    private List<Entry> pool(int pool) throws KvpException {
        if (pool < 0 || pool >= POOL_COUNT) {
            throw new KvpException("no pool " + pool);
        }
        return pools.get(pool);
    }

    private void write(int pool) throws KvpException {
        List<Entry> records = pools.get(pool);
        byte[] b = new byte[records.size() * RECORD];
        for (int i = 0; i < records.size(); i++) {
            Wire.putCString(b, i * RECORD, MAX_KEY_SIZE, records.get(i).key());
            Wire.putCString(b, i * RECORD + MAX_KEY_SIZE, MAX_VALUE_SIZE, records.get(i).value());
        }
        Path file = dir.resolve(".kvp_pool_" + pool);
        Path tmp = dir.resolve(".kvp_pool_" + pool + ".tmp");
        try {
            if (channels[pool] != null) {
                channels[pool].close(); // the file is replaced: reopen on the next in-place write
                channels[pool] = null;
            }
            Files.write(tmp, b);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new KvpException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private void reindex(int pool) {
        java.util.Map<ByteBuffer, Integer> m = index.get(pool);
        m.clear();
        List<Entry> p = pools.get(pool);
        for (int i = 0; i < p.size(); i++) {
            m.putIfAbsent(ByteBuffer.wrap(p.get(i).key()), i);
        }
    }

    /** Writes record {@code index} of {@code pool} in place (a change, or an append at the end). */
    private void writeRecord(int pool, int index) throws KvpException {
        Entry e = pools.get(pool).get(index);
        byte[] b = new byte[RECORD];
        Wire.putCString(b, 0, MAX_KEY_SIZE, e.key());
        Wire.putCString(b, MAX_KEY_SIZE, MAX_VALUE_SIZE, e.value());
        Path file = dir.resolve(".kvp_pool_" + pool);
        try {
            if (channels[pool] == null) {
                channels[pool] = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            }
            FileChannel ch = channels[pool];
            ByteBuffer buf = ByteBuffer.wrap(b);
            long pos = (long) index * RECORD;
            while (buf.hasRemaining()) {
                pos += ch.write(buf, pos);
            }
        } catch (IOException ex) {
            throw new KvpException("cannot write " + file + ": " + ex.getMessage(), ex);
        }
    }

    @Override
    public synchronized Optional<byte[]> get(int pool, byte[] key) throws KvpException {
        Integer i = index.get(checked(pool)).get(ByteBuffer.wrap(key));
        return i == null ? Optional.empty() : Optional.of(pools.get(pool).get(i).value());
    }

    @Override
    public synchronized void set(int pool, byte[] key, byte[] value) throws KvpException {
        if (key.length + 1 > MAX_KEY_SIZE || value.length + 1 > MAX_VALUE_SIZE) {
            throw new KvpException("key or value too long");
        }
        List<Entry> p = pool(pool);
        Integer found = index.get(pool).get(ByteBuffer.wrap(key));
        int i = found == null ? p.size() : found;
        if (found != null) {
            p.set(i, new Entry(key, value));
        } else {
            p.add(new Entry(key, value));
            index.get(pool).put(ByteBuffer.wrap(key), i);
        }
        writeRecord(pool, i);
    }

    @Override
    public synchronized boolean delete(int pool, byte[] key) throws KvpException {
        if (!pool(pool).removeIf(e -> Arrays.equals(e.key(), key))) {
            return false;
        }
        reindex(pool);
        write(pool);
        return true;
    }

    @Override
    public synchronized Optional<Entry> enumerate(int pool, int index) throws KvpException {
        List<Entry> p = pool(pool);
        return index < p.size() ? Optional.of(p.get(index)) : Optional.empty();
    }

    @Override
    public synchronized List<Entry> list(int pool) throws KvpException {
        return List.copyOf(pool(pool));
    }
}
