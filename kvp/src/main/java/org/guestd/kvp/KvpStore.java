// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The Hyper-V key-value pools, independent of the device that carries them: pools 0, 1, 3 and 4
 * are backed by the {@code .kvp_pool_N} files hv_kvp_daemon uses (2560-byte records, whole-file
 * fcntl lock); pool 2 ({@link #POOL_AUTO}) is generated ({@link KvpIntrinsics}) and never stored.
 *
 * <p>Keys and values are byte strings as the kernel hands them to the daemon (UTF-8 converted
 * from the host's UTF-16): the bytes before the first NUL. Keys compare byte for byte.
 * Implementations are thread-safe and safe against other processes writing the same files under
 * the lock (guestctl, cloud-init's KVP reporter).
 */
public interface KvpStore {
    int POOL_EXTERNAL = 0;
    int POOL_GUEST = 1;
    int POOL_AUTO = 2;
    int POOL_AUTO_EXTERNAL = 3;
    int POOL_AUTO_INTERNAL = 4;
    int POOL_COUNT = 5;
    /** HV_KVP_EXCHANGE_MAX_KEY_SIZE: the record's key field, NUL included. */
    int MAX_KEY_SIZE = 512;
    /** HV_KVP_EXCHANGE_MAX_VALUE_SIZE: the record's value field, NUL included. */
    int MAX_VALUE_SIZE = 2048;

    /** One record: key and value without their NUL padding. */
    record Entry(byte[] key, byte[] value) {
        /** The key as UTF-8 text. */
        public String keyText() {
            return new String(key, StandardCharsets.UTF_8);
        }

        /** The value as UTF-8 text. */
        public String valueText() {
            return new String(value, StandardCharsets.UTF_8);
        }
    }

    /** A pool's records as of one moment, for lookups that must not block. */
    interface View {
        /** The value of the first record whose key is {@code key} (bytes before any NUL). */
        Optional<byte[]> get(byte[] key);

        /** The {@code index}-th record in file order, empty past the end. */
        Optional<Entry> enumerate(int index);
    }

    /**
     * The pool's records when they can be served from memory without waiting on a lock or reading
     * the file — one stat(2) shows the file unchanged since this store last read or wrote it —
     * else empty; never blocks on another process. For callers that must not block (an event loop):
     * on empty, use {@link #get}/{@link #enumerate} from a worker thread. The default never answers.
     */
    default Optional<View> cachedView(int pool) {
        return Optional.empty();
    }

    /** The value stored under {@code key} in a file-backed pool. */
    Optional<byte[]> get(int pool, byte[] key) throws KvpException;

    /**
     * Adds or replaces a record (replaced in place, appended when new). When this returns the record
     * is in the file (and on disk when the store fsyncs); a crash at any point leaves, once the next
     * access has recovered, either the old or the new record and every other record intact.
     *
     * @throws KvpException when the key or value is too long (with the NUL, over 512 / 2048) or the
     *     pool file cannot be written
     */
    void set(int pool, byte[] key, byte[] value) throws KvpException;

    /** Removes a record; false when there was none. */
    boolean delete(int pool, byte[] key) throws KvpException;

    /** The {@code index}-th record of a file-backed pool in file order, empty past the end. */
    Optional<Entry> enumerate(int pool, int index) throws KvpException;

    /** Every record of a file-backed pool, in file order. */
    List<Entry> list(int pool) throws KvpException;
}
