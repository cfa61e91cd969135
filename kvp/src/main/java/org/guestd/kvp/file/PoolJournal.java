// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.file;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.PosixFiles;

/**
 * The intent journal of one pool file: {@code .kvp_pool_N.journal} beside it, guestd-private (no
 * other writer knows it), written only by the holder of the pool's write lock. It holds the one
 * single-record write that may be in progress: which file (device and inode), which slot, the
 * record's bytes before and after, and a CRC32C over all of it. See {@link PoolFile} for the
 * protocol and the argument why recovery is correct.
 *
 * <pre>
 * 0    magic "GDKVPJ01"          8
 * 8    kind (1 replace, 2 append) 4
 * 12   slot                       4
 * 16   st_dev, st_ino             8 + 8
 * 32   file size before the write 8
 * 40   old record                 2560 (zeros for an append)
 * 2600 new record                 2560
 * 5160 CRC32C of bytes 0..5159    4
 * </pre>
 *
 * A journal whose magic or CRC does not check (never written, invalidated, or torn because the
 * writer died while writing it — the pool file was not touched yet then) is no intent.
 */
final class PoolJournal {
    static final int KIND_REPLACE = 1;
    static final int KIND_APPEND = 2;
    static final int SIZE = 5164;
    /** Recovery compares a record in pieces of one sector; records start on sector boundaries. */
    static final int PIECE = 512;

    private static final byte[] MAGIC = {'G', 'D', 'K', 'V', 'P', 'J', '0', '1'};
    private static final int RECORD = PoolSnapshot.RECORD;

    /** A decoded intent. */
    record Intent(int kind, int slot, long dev, long ino, long sizeBefore, byte[] oldRecord, byte[] newRecord) {}

    /** What a slot holds compared with an intent. */
    enum Verdict {
        /** The new record, whole: the write completed. */
        DONE,
        /** The old record, whole: the write never started (for an append: the slot is zeros). */
        UNTOUCHED,
        /** Every sector is the old or the new one, some of each: our write was cut short. */
        TORN,
        /** Anything else: someone else wrote the slot since, or it holds another record now. */
        FOREIGN
    }

    private final String path;
    private final int fileMode;

    PoolJournal(String path, int fileMode) {
        this.path = path;
        this.fileMode = fileMode;
    }

    String path() {
        return path;
    }

    static byte[] encode(Intent in) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(in.kind()).putInt(in.slot()).putLong(in.dev()).putLong(in.ino()).putLong(in.sizeBefore());
        b.put(in.oldRecord()).put(in.newRecord());
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, SIZE - 4);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** The intent in {@code data}, or null when it is not a whole, checked one. */
    static Intent decode(byte[] data) {
        if (data == null || data.length < SIZE || !Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(data, 0, SIZE).order(ByteOrder.LITTLE_ENDIAN);
        CRC32C crc = new CRC32C();
        crc.update(data, 0, SIZE - 4);
        if (b.getInt(SIZE - 4) != (int) crc.getValue()) {
            return null;
        }
        int kind = b.getInt(8);
        int slot = b.getInt(12);
        if ((kind != KIND_REPLACE && kind != KIND_APPEND) || slot < 0) {
            return null;
        }
        return new Intent(kind, slot, b.getLong(16), b.getLong(24), b.getLong(32),
                Arrays.copyOfRange(data, 40, 40 + RECORD), Arrays.copyOfRange(data, 40 + RECORD, 40 + 2 * RECORD));
    }

    /** Compares the slot's current bytes ({@code current}, one record) with the intent, sector by sector. */
    static Verdict classify(byte[] current, int offset, Intent in) {
        boolean allNew = true;
        boolean allOld = true;
        for (int p = 0; p < RECORD; p += PIECE) {
            boolean isNew = Arrays.equals(current, offset + p, offset + p + PIECE, in.newRecord(), p, p + PIECE);
            boolean isOld = Arrays.equals(current, offset + p, offset + p + PIECE, in.oldRecord(), p, p + PIECE);
            if (!isNew && !isOld) {
                return Verdict.FOREIGN;
            }
            allNew &= isNew;
            allOld &= isOld;
        }
        return allNew ? Verdict.DONE : allOld ? Verdict.UNTOUCHED : Verdict.TORN;
    }

    /**
     * Records the intent before the pool file is touched: one pwrite at offset 0 of the journal
     * (created on first use), then fdatasync when {@code durable}, so that on power loss the intent
     * is on disk before any sector of the record can be.
     */
    void write(Intent in, boolean durable) throws NativeException {
        byte[] data = encode(in);
        int fd = PosixFiles.open(path, PosixFiles.O_RDWR | PosixFiles.O_CREAT, fileMode);
        try {
            PosixFiles.pwriteAll(fd, data, 0, path);
            if (durable) {
                PosixFiles.fdatasync(fd, path);
            }
        } finally {
            PosixFiles.closeQuietly(fd);
        }
    }

    /** The recorded intent, or null (no journal, or no whole one). */
    Intent read() throws NativeException {
        int fd;
        try {
            fd = PosixFiles.open(path, PosixFiles.O_RDONLY, 0);
        } catch (NativeException e) {
            if (e.isNotFound()) {
                return null;
            }
            throw e;
        }
        try {
            return decode(PosixFiles.readAll(fd, SIZE, path));
        } finally {
            PosixFiles.closeQuietly(fd);
        }
    }

    /** Gives an existing journal the configured mode (as the pools are tightened at start). */
    void tighten() throws NativeException {
        int fd;
        try {
            fd = PosixFiles.open(path, PosixFiles.O_RDONLY, 0);
        } catch (NativeException e) {
            if (e.isNotFound()) {
                return;
            }
            throw e;
        }
        try {
            PosixFiles.fchmod(fd, fileMode, path);
        } finally {
            PosixFiles.closeQuietly(fd);
        }
    }

    /**
     * Makes a recorded intent void (its magic zeroed) before the pool file is replaced by a new
     * inode, so that a later file that happens to get the same inode number never matches it.
     */
    void invalidate() throws NativeException {
        int fd;
        try {
            fd = PosixFiles.open(path, PosixFiles.O_RDWR, 0);
        } catch (NativeException e) {
            if (e.isNotFound()) {
                return;
            }
            throw e;
        }
        try {
            PosixFiles.pwriteAll(fd, new byte[MAGIC.length], 0, path);
        } finally {
            PosixFiles.closeQuietly(fd);
        }
    }
}
