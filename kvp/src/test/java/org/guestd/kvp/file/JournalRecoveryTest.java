// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.file;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import org.guestd.jna.linux.FileStat;
import org.guestd.jna.linux.PosixFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The states a writer killed in the middle of a one-record write can leave (its intent journaled,
 * the record torn between 4 KiB pages, or not written yet, or an append extended but not written),
 * each followed by what another process may have done before the next guestd access; then a fresh
 * store opens the pool, and the file must be whole, with the torn write completed and anything
 * written by someone else in between kept.
 */
class JournalRecoveryTest {
    @TempDir
    Path tmp;

    private Path dir;
    private Path file;
    private byte[] a;
    private byte[] bOld;
    private byte[] bNew;
    private byte[] c;

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    /** A long value, so that the record's value sectors differ between old and new. */
    private static String longValue(char ch) {
        return String.valueOf(ch).repeat(2000);
    }

    @BeforeEach
    void threeRecords() throws Exception {
        dir = tmp.resolve("hyperv");
        FileKvpStore s = new FileKvpStore(FileKvpStore.Options.defaults(dir));
        s.init();
        s.set(1, b("a"), b(longValue('a')));
        s.set(1, b("b"), b(longValue('o'))); // slot 1: bytes 2560..5119, across the page boundary at 4096
        s.set(1, b("c"), b(longValue('c')));
        file = dir.resolve(".kvp_pool_1");
        byte[] f = Files.readAllBytes(file);
        a = Arrays.copyOfRange(f, 0, 2560);
        bOld = Arrays.copyOfRange(f, 2560, 5120);
        c = Arrays.copyOfRange(f, 5120, 7680);
        bNew = PoolSnapshot.record(b("b"), b(longValue('n')));
    }

    /** What the killed writer had done: its intent journaled for the file as it is now. */
    private void journal(int kind, int slot, byte[] oldRecord, byte[] newRecord) throws Exception {
        FileStat st = PosixFiles.stat(file.toString());
        new PoolJournal(file + ".journal", 0600).write(
                new PoolJournal.Intent(kind, slot, st.dev(), st.ino(), st.size(), oldRecord, newRecord), false);
    }

    /** Writes bytes into the pool file in place, as a pwrite cut short would have. */
    private void writeAt(long offset, byte[] data, int from, int to) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            raf.write(data, from, to - from);
        }
    }

    /** The new record's first page only: bytes 2560..4095 of the file new, 4096..5119 old. */
    private void tearSlotOne() throws Exception {
        writeAt(2560, bNew, 0, 4096 - 2560);
    }

    private static byte[] concat(byte[]... parts) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.write(p);
        }
        return out.toByteArray();
    }

    private FileKvpStore reopen() {
        return new FileKvpStore(FileKvpStore.Options.defaults(dir));
    }

    @Test
    void aTornReplaceIsCompletedByTheNextReader() throws Exception {
        journal(PoolJournal.KIND_REPLACE, 1, bOld, bNew);
        tearSlotOne();
        assertEquals(PoolJournal.Verdict.TORN, PoolJournal.classify(Files.readAllBytes(file), 2560,
                PoolJournal.decode(Files.readAllBytes(dir.resolve(".kvp_pool_1.journal")))));
        FileKvpStore s = reopen();
        assertEquals(longValue('n'), new String(s.get(1, b("b")).orElseThrow(), UTF_8));
        assertArrayEquals(concat(a, bNew, c), Files.readAllBytes(file));
        assertEquals(1, s.pool(1).writeCounts()[2], "one record repaired");
    }

    @Test
    void aTornReplaceIsCompletedByInitAndByTheNextWriter() throws Exception {
        journal(PoolJournal.KIND_REPLACE, 1, bOld, bNew);
        tearSlotOne();
        reopen().init();
        assertArrayEquals(concat(a, bNew, c), Files.readAllBytes(file));

        journal(PoolJournal.KIND_REPLACE, 0, a, PoolSnapshot.record(b("a"), b(longValue('z'))));
        writeAt(0, PoolSnapshot.record(b("a"), b(longValue('z'))), 0, 1024); // sectors 0-1 new, 2-4 old
        FileKvpStore s = reopen();
        s.set(1, b("d"), b("appended")); // the writer's lock and re-read repair slot 0 first
        assertEquals(longValue('z'), new String(s.get(1, b("a")).orElseThrow(), UTF_8));
        assertEquals(4, s.list(1).size());
    }

    @Test
    void aWriteThatNeverReachedTheFileIsDiscarded() throws Exception {
        journal(PoolJournal.KIND_REPLACE, 1, bOld, bNew);
        long mtime = Files.getLastModifiedTime(file).toMillis();
        FileKvpStore s = reopen();
        assertEquals(longValue('o'), new String(s.get(1, b("b")).orElseThrow(), UTF_8));
        assertArrayEquals(concat(a, bOld, c), Files.readAllBytes(file));
        assertEquals(mtime, Files.getLastModifiedTime(file).toMillis(), "nothing written");
        assertEquals(0, s.pool(1).writeCounts()[2]);
    }

    @Test
    void aRecordWrittenByAnotherProcessAfterTheCrashIsNeverClobbered() throws Exception {
        journal(PoolJournal.KIND_REPLACE, 1, bOld, bNew);
        tearSlotOne();
        // hv_kvp_daemon (run after guestd died) read the pool, set b to its own value, and rewrote the
        // whole file in place: same inode, fopen("w") truncates, records written back in order
        byte[] daemons = PoolSnapshot.record(b("b"), b("set by hv_kvp_daemon"));
        Files.write(file, concat(a, daemons, c));
        FileKvpStore s = reopen();
        assertEquals("set by hv_kvp_daemon", new String(s.get(1, b("b")).orElseThrow(), UTF_8));
        s.init();
        assertArrayEquals(concat(a, daemons, c), Files.readAllBytes(file));
        assertEquals(0, s.pool(1).writeCounts()[2]);
    }

    @Test
    void anotherKeyMovedIntoTheSlotIsNeverClobbered() throws Exception {
        journal(PoolJournal.KIND_REPLACE, 1, bOld, bNew);
        tearSlotOne();
        // someone deleted b in place since (records after it move up): c now sits in slot 1
        Files.write(file, concat(a, c));
        FileKvpStore s = reopen();
        assertEquals(2, s.list(1).size());
        assertArrayEquals(concat(a, c), Files.readAllBytes(file));
    }

    @Test
    void aJournalOfAnotherInodeIsIgnored() throws Exception {
        journal(PoolJournal.KIND_REPLACE, 1, bOld, bNew);
        tearSlotOne();
        byte[] torn = Files.readAllBytes(file);
        // the pool was replaced by a new file since (a rename): the intent is about the old inode
        Path fresh = dir.resolve("fresh");
        Files.write(fresh, torn);
        Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        FileKvpStore s = reopen();
        s.init();
        assertArrayEquals(torn, Files.readAllBytes(file));
    }

    @Test
    void aTornJournalIsNoIntent() throws Exception {
        journal(PoolJournal.KIND_REPLACE, 1, bOld, bNew);
        Path j = dir.resolve(".kvp_pool_1.journal");
        byte[] data = Files.readAllBytes(j);
        data[3000] ^= 1; // the writer died while writing the journal: the pool was not touched yet
        Files.write(j, data);
        assertNull(PoolJournal.decode(data));
        assertNull(PoolJournal.decode(Arrays.copyOf(data, 100)));
        reopen().init();
        assertArrayEquals(concat(a, bOld, c), Files.readAllBytes(file));
    }

    @Test
    void anExtendedButUnwrittenAppendIsCompletedAndALaterCloudInitAppendKept() throws Exception {
        byte[] d = PoolSnapshot.record(b("d"), b(longValue('d')));
        journal(PoolJournal.KIND_APPEND, 3, new byte[2560], d);
        writeAt(7680, new byte[2560], 0, 2560); // ftruncate done, the record not written
        byte[] cloud = PoolSnapshot.record(b("PROVISIONING_REPORT"), b("cloud-init"));
        writeAt(10240, cloud, 0, 2560); // cloud-init appended under flock before guestd came back
        FileKvpStore s = reopen();
        assertEquals(5, s.list(1).size());
        assertArrayEquals(concat(a, bOld, c, d, cloud), Files.readAllBytes(file));
    }

    @Test
    void aTornAppendIsCompleted() throws Exception {
        byte[] d = PoolSnapshot.record(b("d"), b(longValue('d')));
        journal(PoolJournal.KIND_APPEND, 3, new byte[2560], d);
        writeAt(7680, new byte[2560], 0, 2560);
        writeAt(7680, d, 0, 8192 - 7680); // up to the page boundary
        FileKvpStore s = reopen();
        assertEquals(longValue('d'), new String(s.get(1, b("d")).orElseThrow(), UTF_8));
        assertArrayEquals(concat(a, bOld, c, d), Files.readAllBytes(file));
    }

    @Test
    void aDeleteInvalidatesTheJournalSoARecycledInodeCannotMatch() throws Exception {
        FileKvpStore s = reopen();
        s.set(1, b("b"), b("x"));
        s.delete(1, b("a"));
        assertNull(PoolJournal.decode(Files.readAllBytes(dir.resolve(".kvp_pool_1.journal"))));
    }
}
