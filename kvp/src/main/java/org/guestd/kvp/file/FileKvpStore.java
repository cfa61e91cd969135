// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.guestd.kvp.KvpException.Reason;
import org.guestd.kvp.KvpException;
import org.guestd.kvp.KvpStore;

/**
 * {@link KvpStore} over hv_kvp_daemon's pool files {@code DIR/.kvp_pool_0} … {@code .kvp_pool_4}.
 * All five numbers are file-backed, exactly as in the daemon (which also keeps {@code .kvp_pool_2}
 * for GET/SET/DELETE on pool 2); enumerating the auto pool is the protocol's business
 * ({@link org.guestd.kvp.KvpIntrinsics#autoPool()}). See {@link PoolFile} for the locking and
 * crash-safety protocol.
 */
public final class FileKvpStore implements KvpStore {
    /** hv_kvp_daemon's directory ({@code KVP_CONFIG_LOC}). */
    public static final String DEFAULT_DIR = "/var/lib/hyperv";

    private final Path dir;
    private final Options options;
    private final PoolFile[] pools = new PoolFile[POOL_COUNT];

    /**
     * @param options directory, modes and durability
     * @param nowNanos real time in nanoseconds since the epoch (must be the clock file timestamps use)
     */
    public FileKvpStore(Options options, LongSupplier nowNanos) {
        this.dir = options.dir();
        this.options = options;
        for (int i = 0; i < POOL_COUNT; i++) {
            pools[i] = new PoolFile(dir.toString(), ".kvp_pool_" + i, options.fileMode(), options.fsync(), nowNanos);
        }
    }

    /** A store on the system clock. */
    public FileKvpStore(Options options) {
        this(options, FileKvpStore::realtimeNanos);
    }

    /**
     * Store settings.
     *
     * @param dir the pool directory
     * @param fileMode mode of the pool files (default 0600)
     * @param dirMode mode of the directory when this creates it (default 0700)
     * @param fsync fsync each change (file and directory) before reporting success
     */
    public record Options(Path dir, int fileMode, int dirMode, boolean fsync) {
        public static Options defaults(Path dir) {
            return new Options(dir, 0600, 0700, true);
        }
    }

    /**
     * Creates the directory (with the directory mode) and the five pool files (with the file
     * mode) when missing, and tightens the modes of existing ones to the configured modes.
     */
    public void init() throws KvpException {
        try {
            Set<PosixFilePermission> perms = PosixFilePermissions.fromString(permString(options.dirMode()));
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
            }
            Files.setPosixFilePermissions(dir, perms);
            for (PoolFile p : pools) {
                p.ensureExists();
            }
        } catch (IOException e) {
            throw new KvpException(Reason.FAILED, "cannot prepare KVP pool directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The directory, modes and durability this store was made with. */
    public Options options() {
        return options;
    }

    /** The pool file of {@code pool} (tests, guestctl). */
    public PoolFile pool(int pool) throws KvpException {
        if (pool < 0 || pool >= POOL_COUNT) {
            throw new KvpException(Reason.INVALID_ARGUMENT, "no such KVP pool: " + pool, null);
        }
        return pools[pool];
    }

    /**
     * {@inheritDoc} Keys longer than the record's key field are not answered here (the blocking
     * {@link #get} refuses them with its error).
     */
    @Override
    public Optional<View> cachedView(int pool) {
        if (pool < 0 || pool >= POOL_COUNT) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(pools[pool].peek());
        } catch (IOException e) {
            return Optional.empty(); // the blocking path reports it
        }
    }

    @Override
    public Optional<byte[]> get(int pool, byte[] key) throws KvpException {
        byte[] k = beforeNul(key);
        checkKey(k);
        PoolSnapshot s = read(pool);
        int i = s.find(k);
        return i < 0 ? Optional.empty() : Optional.of(s.value(i));
    }

    @Override
    public void set(int pool, byte[] key, byte[] value) throws KvpException {
        byte[] k = beforeNul(key);
        byte[] v = beforeNul(value);
        checkKey(k);
        if (v.length + 1 > MAX_VALUE_SIZE) {
            throw new KvpException(Reason.INVALID_ARGUMENT,
                    "KVP value too long: " + v.length + " bytes (at most " + (MAX_VALUE_SIZE - 1) + ")", null);
        }
        update(pool, s -> {
            int i = s.find(k);
            if (i < 0) {
                return s.withAppended(k, v);
            }
            return Arrays.equals(s.value(i), v) ? null : s.withValue(i, v);
        });
    }

    @Override
    public boolean delete(int pool, byte[] key) throws KvpException {
        byte[] k = beforeNul(key);
        checkKey(k);
        boolean[] found = new boolean[1];
        update(pool, s -> {
            int i = s.find(k);
            found[0] = i >= 0;
            return i < 0 ? null : s.without(i);
        });
        return found[0];
    }

    @Override
    public Optional<Entry> enumerate(int pool, int index) throws KvpException {
        PoolSnapshot s = read(pool);
        return index < 0 || index >= s.size() ? Optional.empty() : Optional.of(s.entry(index));
    }

    @Override
    public List<Entry> list(int pool) throws KvpException {
        return read(pool).entries();
    }

    private PoolSnapshot read(int pool) throws KvpException {
        PoolFile f = pool(pool);
        try {
            return f.read();
        } catch (IOException e) {
            throw new KvpException(Reason.FAILED, "cannot read " + f.path() + ": " + e.getMessage(), e);
        }
    }

    private void update(int pool, PoolFile.Change change) throws KvpException {
        PoolFile f = pool(pool);
        try {
            f.update(change);
        } catch (IOException e) {
            throw new KvpException(Reason.FAILED, "cannot write " + f.path() + ": " + e.getMessage(), e);
        }
    }

    private static void checkKey(byte[] k) throws KvpException {
        if (k.length + 1 > MAX_KEY_SIZE) {
            throw new KvpException(Reason.INVALID_ARGUMENT,
                    "KVP key too long: " + k.length + " bytes (at most " + (MAX_KEY_SIZE - 1) + ")", null);
        }
    }

    /** The bytes before the first NUL (what the kernel hands the daemon is a C string). */
    static byte[] beforeNul(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                return Arrays.copyOf(b, i);
            }
        }
        return b;
    }

    static String permString(int mode) {
        String s = "rwxrwxrwx";
        StringBuilder sb = new StringBuilder(9);
        for (int i = 0; i < 9; i++) {
            sb.append((mode & (1 << (8 - i))) != 0 ? s.charAt(i) : '-');
        }
        return sb.toString();
    }

    /** Whether pool {@code pool}'s file exists in {@code dir} (nothing is created). */
    public static boolean poolExists(Path dir, int pool) {
        return Files.exists(dir.resolve(".kvp_pool_" + pool));
    }

    /** CLOCK_REALTIME in nanoseconds (microsecond resolution through Instant). */
    public static long realtimeNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
