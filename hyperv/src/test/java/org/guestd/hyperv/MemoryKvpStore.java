// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.guestd.kvp.KvpException;
import org.guestd.kvp.KvpStore;

/** An in-memory {@link KvpStore} for protocol tests: records in file order per pool, limits as the real one. */
final class MemoryKvpStore implements KvpStore {
    private final List<List<Entry>> pools = new ArrayList<>();

    MemoryKvpStore() {
        for (int i = 0; i < POOL_COUNT; i++) {
            pools.add(new ArrayList<>());
        }
    }

    private List<Entry> pool(int pool) throws KvpException {
        if (pool < 0 || pool >= POOL_COUNT) {
            throw new KvpException("no pool " + pool);
        }
        return pools.get(pool);
    }

    @Override
    public synchronized Optional<byte[]> get(int pool, byte[] key) throws KvpException {
        return pool(pool).stream().filter(e -> Arrays.equals(e.key(), key)).map(Entry::value).findFirst();
    }

    @Override
    public synchronized void set(int pool, byte[] key, byte[] value) throws KvpException {
        if (key.length + 1 > MAX_KEY_SIZE || value.length + 1 > MAX_VALUE_SIZE) {
            throw new KvpException("too long");
        }
        List<Entry> p = pool(pool);
        for (int i = 0; i < p.size(); i++) {
            if (Arrays.equals(p.get(i).key(), key)) {
                p.set(i, new Entry(key, value));
                return;
            }
        }
        p.add(new Entry(key, value));
    }

    @Override
    public synchronized boolean delete(int pool, byte[] key) throws KvpException {
        return pool(pool).removeIf(e -> Arrays.equals(e.key(), key));
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
