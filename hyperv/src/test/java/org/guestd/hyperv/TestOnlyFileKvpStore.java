// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import java.io.IOException;
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
 * a temp file and rename) on every change, records kept in memory. No locking, no reload on
 * foreign writes, not crash-safe. The differential test and the benchmark get their store from
 * {@link KvpSides#guestdStore}; swap that one line for the real store.
 */
final class TestOnlyFileKvpStore implements KvpStore {
    static final int RECORD = 2560;
    private final Path dir;
    private final List<List<Entry>> pools = new ArrayList<>();

    TestOnlyFileKvpStore(Path dir) throws IOException {
        this.dir = dir;
        for (int p = 0; p < POOL_COUNT; p++) {
            pools.add(read(dir.resolve(".kvp_pool_" + p)));
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
            Files.write(tmp, b);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new KvpException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Optional<byte[]> get(int pool, byte[] key) throws KvpException {
        return pool(pool).stream().filter(e -> Arrays.equals(e.key(), key)).map(Entry::value).findFirst();
    }

    @Override
    public synchronized void set(int pool, byte[] key, byte[] value) throws KvpException {
        if (key.length + 1 > MAX_KEY_SIZE || value.length + 1 > MAX_VALUE_SIZE) {
            throw new KvpException("key or value too long");
        }
        List<Entry> p = pool(pool);
        int i = 0;
        while (i < p.size() && !Arrays.equals(p.get(i).key(), key)) {
            i++;
        }
        if (i < p.size()) {
            p.set(i, new Entry(key, value));
        } else {
            p.add(new Entry(key, value));
        }
        write(pool);
    }

    @Override
    public synchronized boolean delete(int pool, byte[] key) throws KvpException {
        if (!pool(pool).removeIf(e -> Arrays.equals(e.key(), key))) {
            return false;
        }
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
