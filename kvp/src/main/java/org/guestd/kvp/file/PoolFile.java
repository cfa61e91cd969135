// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.file;

import java.util.function.LongSupplier;
import org.guestd.jna.linux.FileStat;
import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.PosixFiles;

/**
 * One {@code .kvp_pool_N} file, cached in memory; a SET changes one record in place, crash-safe
 * through a small intent journal; a DELETE (which moves records) replaces the file atomically.
 *
 * <h2>Locking protocol (shared by guestd, guestctl and every other guestd process)</h2>
 * <ol>
 *   <li>open the pool file by name, then take a whole-file fcntl lock on it (write lock to change,
 *       read lock to read) — an <em>open-file-description</em> lock ({@code F_OFD_SETLKW}),
 *       which conflicts with hv_kvp_daemon's classic {@code F_SETLKW} lock, but belongs to the
 *       descriptor, so closing another descriptor of the same file in this JVM never drops it
 *       and two threads holding two descriptors exclude each other;</li>
 *   <li>then {@code flock()} the same descriptor (exclusive/shared): cloud-init's KVP reporter
 *       appends to pool 1 under flock only, which does not interact with fcntl locks;</li>
 *   <li>compare the locked descriptor's inode with the path's: when they differ the file was
 *       replaced while we waited, so close and start again on the new file;</li>
 *   <li>when the file is not the version cached, re-read it and <b>recover</b> (below);</li>
 *   <li>change it (below), then close, which releases both locks.</li>
 * </ol>
 *
 * <h2>Changing one record (SET of an existing key, SET of a new key)</h2>
 * <ol>
 *   <li>write the intent to {@code .kvp_pool_N.journal} ({@link PoolJournal}: device and inode of
 *       the locked file, slot, old and new 2560-byte record, CRC32C) with one pwrite at offset 0;
 *       with {@code fsync} on, fdatasync it;</li>
 *   <li>replace: pwrite the new record over slot {@code i}; append: first ftruncate the file one
 *       record longer (so the file is whole records at every instant, and a cloud-init append that
 *       comes before our recovery stays aligned), then pwrite the record there;</li>
 *   <li>set the mtime (below); with {@code fsync} on, fsync the file.</li>
 * </ol>
 * The journal is never cleared: a stale intent is harmless, because recovery acts only on a slot
 * that is a strict mix of its old and new record, which no whole-record write produces.
 *
 * <h2>Recovery (whenever a locked file is re-read)</h2>
 * A kill -9 can stop a pwrite between pages: Linux copies a buffered write page by page and checks
 * for a fatal signal before each page, so a record straddling a 4 KiB boundary (records start at
 * multiples of 2560, so 5 of every 8 records do) can be left new on one side and old on the other.
 * Power loss can additionally leave any subset of sectors written. Records start on 512-byte
 * boundaries (2560 = 5 × 512), so every such tear is, sector by sector, the old or the new record.
 * With the journal's intent for this device and inode, the slot's current bytes are classified
 * ({@link PoolJournal#classify}):
 * <ul>
 *   <li>all new → the write completed: nothing to do;</li>
 *   <li>all old → the write never reached the file: nothing to do (the SET was never acknowledged);
 *       for an append the "old" record is the zeros of the ftruncate, and the record is written
 *       (rolled forward) rather than leaving an empty record in the pool;</li>
 *   <li>a mix → our write was cut short: the new record is written (rolled forward);</li>
 *   <li>anything else → another process changed the slot after the crash (hv_kvp_daemon run in the
 *       meantime, or the record moved): the intent is discarded and the newer data kept. The first
 *       sector is exactly the key field, so a mix always has the journal's key: a record of another
 *       key can never be taken for a tear, and a foreign writer would have to write a value that is,
 *       sector by sector, a mix of our old and new value to be overwritten.</li>
 * </ul>
 * A different inode (the file was replaced since) or a file now shorter than the slot → discarded.
 * Before a whole-file replacement the journal is invalidated, so a recycled inode number never
 * matches an old intent. A reader that finds a tear under its read lock retries under the write
 * lock to recover. Only processes that follow this protocol recover: between a kill and the next
 * guestd/guestctl access a torn record is visible to others (hv_kvp_daemon cannot run then anyway:
 * the device admits one daemon), and a reader that takes no lock can see a record being written —
 * as with hv_kvp_daemon itself, which truncates and rewrites the whole file in place.
 *
 * <h2>Removing a record (DELETE), or a file with a trailing partial record</h2>
 * Invalidate the journal, write the whole new image to {@code .kvp_pool_N.tmp}, fchmod, fsync,
 * rename over the pool file, fsync the directory; closing the old descriptor releases the locks
 * of the replaced inode; waiters on it see step 3 fail and retry on the new file. Known limits:
 * hv_kvp_daemon locks a descriptor opened at its start (only one daemon can hold the device, so
 * the two never run together); a cloud-init append that opened the file just before our rename
 * and got its flock after it lands in the replaced inode.
 *
 * <h2>fsync</h2>
 * With {@code fsync} on, an acknowledged change survives power loss and a kernel crash, and a torn
 * record is always recoverable (the intent is on disk before any sector of the record). With it
 * off, an acknowledged change survives any kill of guestd (the page cache is the file), but power
 * loss can lose recent changes, and a record torn by it is recovered only if its intent reached
 * the disk. Every guarantee above against kill -9 holds with either setting.
 *
 * <h2>Cache</h2>
 * A request stats the path: same device, inode, size and mtime (ns) as the cached image means
 * unchanged, without locking or reading. Two in-place writes of equal size within one
 * file-system timestamp tick look alike, so an image whose mtime is within {@link #RACY_NANOS} of
 * the time it was read is "racy" and re-read on the next request (git's racy-clean rule). Files
 * we write get an mtime {@link #RACY_NANOS} in the past (and always later than the previous one),
 * so any later change by anyone moves the mtime and our own writes never make the cache racy.
 */
public final class PoolFile {
    /** Larger than any timestamp granularity in use (a jiffy at HZ=100 is 10 ms). */
    static final long RACY_NANOS = 25_000_000L;

    private static final int RECORD = PoolSnapshot.RECORD;

    private final String path;
    private final String tmpPath;
    private final String dir;
    private final int fileMode;
    private final boolean fsync;
    private final LongSupplier nowNanos;
    private final PoolJournal journal;

    /** What {@link #peek} may serve without the monitor: published at the end of every locked step. */
    private record Published(PoolSnapshot image, FileStat stat) {}

    private volatile Published published;
    private PoolSnapshot image = PoolSnapshot.EMPTY;
    private FileStat imageStat; // null: nothing cached (or the file did not exist)
    private boolean racy = true;
    private long reads;
    private long inPlaceWrites;
    private long rewrites;
    private long recoveries;

    /**
     * @param dir the pool directory
     * @param name the file name, e.g. {@code .kvp_pool_1}
     * @param fileMode the mode of files this writes (e.g. 0600)
     * @param fsync whether a change is fsynced before it returns (see the class comment)
     * @param nowNanos the real-time clock, nanoseconds since the epoch (file timestamps use it)
     */
    public PoolFile(String dir, String name, int fileMode, boolean fsync, LongSupplier nowNanos) {
        this.dir = dir;
        this.path = dir + "/" + name;
        this.tmpPath = path + ".tmp";
        this.fileMode = fileMode;
        this.fsync = fsync;
        this.nowNanos = nowNanos;
        this.journal = new PoolJournal(path + ".journal", fileMode);
    }

    public String path() {
        return path;
    }

    /** How many times the file was read from disk (for tests of the cache). */
    public synchronized long reads() {
        return reads;
    }

    /** Changes written in place (one record), changes written as a whole new file, torn records repaired. */
    public synchronized long[] writeCounts() {
        return new long[] {inPlaceWrites, rewrites, recoveries};
    }

    /**
     * The cached image if one stat shows the file unchanged since we last read or wrote it (and the
     * image is not racy), else null. Takes no lock and not this object's monitor, so it never waits
     * for a writer, in this process or another.
     */
    public PoolSnapshot peek() throws NativeException {
        Published p = published;
        if (p == null) {
            return null;
        }
        FileStat now = PosixFiles.stat(path);
        return now != null && now.sameVersion(p.stat()) ? p.image() : null;
    }

    /** Makes the current image available to {@link #peek} (or withdraws it while racy). */
    private void publish() {
        published = racy || imageStat == null ? null : new Published(image, imageStat);
    }

    /** The current contents: the cached image when the file is unchanged, else read under a read lock. */
    public synchronized PoolSnapshot read() throws NativeException {
        FileStat now = PosixFiles.stat(path);
        if (now == null) {
            image = PoolSnapshot.EMPTY;
            imageStat = null;
            publish();
            return image;
        }
        if (!racy && now.sameVersion(imageStat)) {
            return image;
        }
        int fd = lock(false);
        boolean torn;
        try {
            torn = refresh(fd, false);
        } finally {
            PosixFiles.closeQuietly(fd);
        }
        if (torn) { // a writer died in the middle of a record: repair it under the write lock
            recover();
        }
        publish();
        return image;
    }

    /** A change computed from the current image; null means "nothing to write". */
    public interface Change {
        PoolSnapshot apply(PoolSnapshot current);
    }

    /** Applies {@code change} under the write lock and writes it; returns the new image. */
    public synchronized PoolSnapshot update(Change change) throws NativeException {
        int fd = lock(true);
        try {
            refresh(fd, true);
            PoolSnapshot next = change.apply(image);
            if (next == null) {
                return image;
            }
            FileStat st = imageStat;
            boolean whole = st.size() == (long) image.size() * RECORD; // no trailing partial record
            int slot = next.editedSlot();
            FileStat written;
            if (whole && next.edit() == PoolSnapshot.Edit.REPLACE) {
                written = writeRecord(fd, st, PoolJournal.KIND_REPLACE, slot, image.rawRecord(slot),
                        next.rawRecord(slot));
            } else if (whole && next.edit() == PoolSnapshot.Edit.APPEND) {
                written = writeRecord(fd, st, PoolJournal.KIND_APPEND, slot, new byte[RECORD], next.rawRecord(slot));
            } else {
                journal.invalidate();
                written = replace(next.encode(), st);
                rewrites++;
            }
            image = next;
            imageStat = written;
            racy = false;
            return next;
        } finally {
            publish();
            PosixFiles.closeQuietly(fd); // releases the locks (of the replaced inode after a rewrite)
        }
    }

    /** Creates the file when missing, gives it the configured mode, and repairs a torn record. */
    public synchronized void ensureExists() throws NativeException {
        int fd = PosixFiles.open(path, PosixFiles.O_RDWR | PosixFiles.O_CREAT, fileMode);
        try {
            PosixFiles.fchmod(fd, fileMode, path);
        } finally {
            PosixFiles.closeQuietly(fd);
        }
        journal.tighten();
        recover();
    }

    /** Takes the write lock and re-reads the file, which replays or discards a journaled write. */
    synchronized void recover() throws NativeException {
        racy = true; // force the re-read
        int fd = lock(true);
        try {
            refresh(fd, true);
        } finally {
            PosixFiles.closeQuietly(fd);
        }
        publish();
    }

    /** Steps 1–3 of the protocol: a descriptor of the current inode, locked both ways. */
    private int lock(boolean exclusive) throws NativeException {
        while (true) {
            int fd = exclusive
                    ? PosixFiles.open(path, PosixFiles.O_RDWR | PosixFiles.O_CREAT, fileMode)
                    : PosixFiles.open(path, PosixFiles.O_RDONLY | PosixFiles.O_CREAT, fileMode);
            boolean ok = false;
            try {
                PosixFiles.lockRecord(fd, exclusive, path);
                PosixFiles.lockBsd(fd, exclusive, path);
                FileStat locked = PosixFiles.fstat(fd, path);
                FileStat named = PosixFiles.stat(path);
                if (named != null && named.dev() == locked.dev() && named.ino() == locked.ino()) {
                    ok = true;
                    return fd;
                }
            } finally {
                if (!ok) {
                    PosixFiles.closeQuietly(fd);
                }
            }
        }
    }

    /**
     * Re-reads the locked file unless the cached image is known to be current, and checks the
     * journal's intent against it. Under the write lock a torn record is repaired here; under a
     * read lock this only reports it (true), and the caller recovers under the write lock.
     */
    private boolean refresh(int fd, boolean exclusive) throws NativeException {
        FileStat st = PosixFiles.fstat(fd, path);
        if (!racy && st.sameVersion(imageStat)) {
            return false; // the image we read or wrote whole, and nobody changed the file since
        }
        byte[] data = PosixFiles.readAll(fd, st.size(), path); // EFBIG beyond what an array holds
        reads++;
        PoolJournal.Intent in = journal.read();
        if (in != null && in.dev() == st.dev() && in.ino() == st.ino()
                && (long) (in.slot() + 1) * RECORD <= data.length) {
            PoolJournal.Verdict v = PoolJournal.classify(data, in.slot() * RECORD, in);
            boolean rollForward = v == PoolJournal.Verdict.TORN
                    || (v == PoolJournal.Verdict.UNTOUCHED && in.kind() == PoolJournal.KIND_APPEND);
            if (rollForward) {
                if (!exclusive) {
                    image = PoolSnapshot.EMPTY;
                    imageStat = null;
                    racy = true;
                    return true;
                }
                PosixFiles.pwriteAll(fd, in.newRecord(), (long) in.slot() * RECORD, path);
                st = touch(fd, st);
                System.arraycopy(in.newRecord(), 0, data, in.slot() * RECORD, RECORD);
                recoveries++;
            }
        }
        image = PoolSnapshot.parse(data);
        imageStat = st;
        racy = st.mtimeNanos() >= nowNanos.getAsLong() - RACY_NANOS;
        return false;
    }

    /** Steps 1–3 of a one-record change: journal, write in place (append: extend first), mtime. */
    private FileStat writeRecord(int fd, FileStat st, int kind, int slot, byte[] oldRecord, byte[] newRecord)
            throws NativeException {
        journal.write(new PoolJournal.Intent(kind, slot, st.dev(), st.ino(), st.size(), oldRecord, newRecord), fsync);
        long offset = (long) slot * RECORD;
        long size = st.size();
        if (kind == PoolJournal.KIND_APPEND) {
            size = offset + RECORD;
            PosixFiles.ftruncate(fd, size, path);
        }
        PosixFiles.pwriteAll(fd, newRecord, offset, path);
        inPlaceWrites++;
        return touch(fd, st.withSizeAndMtime(size, st.mtimeNanos()));
    }

    /**
     * Gives a file we changed in place an mtime {@link #RACY_NANOS} in the past but after its
     * previous one, fsyncs it when configured, and returns its stat as cached.
     */
    private FileStat touch(int fd, FileStat st) throws NativeException {
        long mtime = Math.max(nowNanos.getAsLong() - RACY_NANOS, st.mtimeNanos() + 1);
        PosixFiles.setMtime(fd, mtime, path);
        if (fsync) {
            PosixFiles.fsync(fd, path);
        }
        return st.withSizeAndMtime(st.size(), mtime);
    }

    /** The DELETE path: the new image under a temporary name, then renamed over the pool file. */
    private FileStat replace(byte[] data, FileStat old) throws NativeException {
        PosixFiles.unlinkQuietly(tmpPath);
        int fd = PosixFiles.open(tmpPath, PosixFiles.O_WRONLY | PosixFiles.O_CREAT | PosixFiles.O_EXCL, fileMode);
        try {
            PosixFiles.fchmod(fd, fileMode, tmpPath);
            if (old != null) {
                FileStat mine = PosixFiles.fstat(fd, tmpPath);
                if (mine.uid() != old.uid() || mine.gid() != old.gid()) {
                    PosixFiles.fchownQuietly(fd, old.uid(), old.gid());
                }
            }
            PosixFiles.writeAll(fd, data, tmpPath);
            PosixFiles.setMtime(fd, nowNanos.getAsLong() - RACY_NANOS, tmpPath);
            if (fsync) {
                PosixFiles.fsync(fd, tmpPath);
            }
            FileStat written = PosixFiles.fstat(fd, tmpPath);
            PosixFiles.close(fd, tmpPath);
            fd = -1;
            PosixFiles.rename(tmpPath, path);
            if (fsync) {
                PosixFiles.syncDirectory(dir);
            }
            return written;
        } catch (NativeException e) {
            PosixFiles.closeQuietly(fd);
            PosixFiles.unlinkQuietly(tmpPath);
            throw e;
        }
    }
}
