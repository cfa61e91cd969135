// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.file;

import java.util.function.LongSupplier;
import org.guestd.kvp.file.PosixFiles.ErrnoException;

/**
 * One {@code .kvp_pool_N} file, cached in memory and replaced atomically on every change.
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
 *   <li>change: write the whole new image to {@code .kvp_pool_N.tmp} (same directory; safe
 *       under the lock because only the holder of the current inode's lock writes it), fchmod,
 *       fsync, rename over the pool file, fsync the directory; then close the old descriptor,
 *       which releases the locks of the replaced inode. Waiters on the old inode wake up, see
 *       step 3 fail and retry on the new file.</li>
 * </ol>
 * A process killed at any point leaves either the old or the new file under the name, always a
 * whole number of records. Limits (documented in the module README): hv_kvp_daemon keeps one
 * descriptor per pool open from its start and locks that, so after a replacement its lock no longer
 * excludes ours — run one of the two, which the device enforces anyway (only one opener);
 * cloud-init opens by name each time, but a record it appends in the instant between our rename and
 * its flock lands in the replaced inode.
 *
 * <h2>Cache</h2>
 * A request stats the path: same device, inode, size and mtime (ns) as the cached image means
 * unchanged, without locking or reading. Two in-place rewrites of equal size within one
 * file-system timestamp tick look alike, so an image whose mtime is within {@link #RACY_NANOS} of
 * the time it was read is "racy" and re-read on the next request (git's racy-clean rule); files
 * we write get an mtime {@link #RACY_NANOS} in the past, so any later change by anyone moves the
 * mtime and our own writes never make the cache racy.
 */
public final class PoolFile {
    /** Larger than any timestamp granularity in use (a jiffy at HZ=100 is 10 ms). */
    static final long RACY_NANOS = 25_000_000L;

    private final String path;
    private final String tmpPath;
    private final String dir;
    private final int fileMode;
    private final boolean fsync;
    private final LongSupplier nowNanos;

    private PoolSnapshot image = PoolSnapshot.EMPTY;
    private Stat imageStat; // null: nothing cached (or the file did not exist)
    private boolean racy = true;
    private long reads;

    /**
     * @param dir the pool directory
     * @param name the file name, e.g. {@code .kvp_pool_1}
     * @param fileMode the mode of files this writes (e.g. 0600)
     * @param fsync whether a change is fsynced (file and directory) before it returns
     * @param nowNanos the real-time clock, nanoseconds since the epoch (file timestamps use it)
     */
    public PoolFile(String dir, String name, int fileMode, boolean fsync, LongSupplier nowNanos) {
        this.dir = dir;
        this.path = dir + "/" + name;
        this.tmpPath = path + ".tmp";
        this.fileMode = fileMode;
        this.fsync = fsync;
        this.nowNanos = nowNanos;
    }

    public String path() {
        return path;
    }

    /** How many times the file was read from disk (for tests of the cache). */
    public synchronized long reads() {
        return reads;
    }

    /** The current contents: the cached image when the file is unchanged, else read under a read lock. */
    public synchronized PoolSnapshot read() throws ErrnoException {
        Stat now = PosixFiles.stat(path);
        if (now == null) {
            image = PoolSnapshot.EMPTY;
            imageStat = null;
            return image;
        }
        if (!racy && now.sameVersion(imageStat)) {
            return image;
        }
        int fd = lock(false);
        try {
            refresh(fd);
            return image;
        } finally {
            PosixFiles.closeQuietly(fd);
        }
    }

    /** A change computed from the current image; null means "nothing to write". */
    public interface Change {
        PoolSnapshot apply(PoolSnapshot current);
    }

    /** Applies {@code change} under the write lock and replaces the file; returns the new image. */
    public synchronized PoolSnapshot update(Change change) throws ErrnoException {
        int fd = lock(true);
        try {
            refresh(fd);
            PoolSnapshot next = change.apply(image);
            if (next == null) {
                return image;
            }
            Stat old = imageStat;
            Stat written = replace(next.encode(), old);
            image = next;
            imageStat = written;
            racy = false;
            return next;
        } finally {
            PosixFiles.closeQuietly(fd); // releases the locks of the replaced inode
        }
    }

    /** Creates the file when missing and gives it the configured mode. */
    public synchronized void ensureExists() throws ErrnoException {
        int fd = PosixFiles.open(path, Libc.O_RDWR | Libc.O_CREAT, fileMode);
        try {
            PosixFiles.fchmod(fd, fileMode, path);
        } finally {
            PosixFiles.closeQuietly(fd);
        }
    }

    /** Steps 1–3 of the protocol: a descriptor of the current inode, locked both ways. */
    private int lock(boolean exclusive) throws ErrnoException {
        while (true) {
            int fd = exclusive
                    ? PosixFiles.open(path, Libc.O_RDWR | Libc.O_CREAT, fileMode)
                    : PosixFiles.open(path, Libc.O_RDONLY | Libc.O_CREAT, fileMode);
            boolean ok = false;
            try {
                PosixFiles.lockRecord(fd, exclusive, path);
                PosixFiles.lockBsd(fd, exclusive, path);
                Stat locked = PosixFiles.fstat(fd, path);
                Stat named = PosixFiles.stat(path);
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

    /** Re-reads the locked file unless the cached image is known to be current. */
    private void refresh(int fd) throws ErrnoException {
        Stat st = PosixFiles.fstat(fd, path);
        if (!racy && st.sameVersion(imageStat)) {
            return;
        }
        if (st.size() > Integer.MAX_VALUE - 8) {
            throw new ErrnoException("read(" + path + ")", new com.sun.jna.LastErrorException(27)); // EFBIG
        }
        byte[] data = PosixFiles.readAll(fd, (int) st.size(), path);
        reads++;
        image = PoolSnapshot.parse(data);
        imageStat = st;
        racy = st.mtimeNanos() >= nowNanos.getAsLong() - RACY_NANOS;
    }

    /** Step 4: the new image under a temporary name, then renamed over the pool file. */
    private Stat replace(byte[] data, Stat old) throws ErrnoException {
        PosixFiles.unlinkQuietly(tmpPath);
        int fd = PosixFiles.open(tmpPath, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL, fileMode);
        try {
            PosixFiles.fchmod(fd, fileMode, tmpPath);
            if (old != null) {
                Stat mine = PosixFiles.fstat(fd, tmpPath);
                if (mine.uid() != old.uid() || mine.gid() != old.gid()) {
                    PosixFiles.fchownQuietly(fd, old.uid(), old.gid());
                }
            }
            PosixFiles.writeAll(fd, data, tmpPath);
            PosixFiles.setMtime(fd, nowNanos.getAsLong() - RACY_NANOS, tmpPath);
            if (fsync) {
                PosixFiles.fsync(fd, tmpPath);
            }
            Stat written = PosixFiles.fstat(fd, tmpPath);
            PosixFiles.close(fd, tmpPath);
            fd = -1;
            PosixFiles.rename(tmpPath, path);
            if (fsync) {
                PosixFiles.syncDirectory(dir);
            }
            return written;
        } catch (ErrnoException e) {
            PosixFiles.closeQuietly(fd);
            PosixFiles.unlinkQuietly(tmpPath);
            throw e;
        }
    }
}
