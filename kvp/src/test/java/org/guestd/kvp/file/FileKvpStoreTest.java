// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.file;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import org.guestd.kvp.KvpException;
import org.guestd.kvp.KvpStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileKvpStoreTest {
    @TempDir
    Path tmp;

    private FileKvpStore store(Path dir) throws KvpException {
        FileKvpStore s = new FileKvpStore(FileKvpStore.Options.defaults(dir));
        s.init();
        return s;
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    private static byte[] record(String key, String value) {
        return PoolSnapshot.record(b(key), b(value));
    }

    private static byte[] concat(byte[]... parts) {
        int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    @Test
    void createsDirectoryAndFilesWithPrivateModes() throws Exception {
        Path dir = tmp.resolve("hyperv");
        store(dir);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        for (int i = 0; i < 5; i++) {
            Path f = dir.resolve(".kvp_pool_" + i);
            assertEquals(0, Files.size(f));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        }
    }

    @Test
    void existingWorldReadableFilesAreTightened() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("h"));
        Path f = Files.write(dir.resolve(".kvp_pool_1"), record("a", "1"));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        FileKvpStore s = store(dir);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals("1", new String(s.get(1, b("a")).orElseThrow(), UTF_8));
    }

    @Test
    void fileIsRecordsBackToBackNulPadded() throws Exception {
        Path dir = tmp.resolve("h");
        FileKvpStore s = store(dir);
        s.set(1, b("first"), b("one"));
        s.set(1, b("second"), b("two"));
        byte[] file = Files.readAllBytes(dir.resolve(".kvp_pool_1"));
        assertArrayEquals(concat(record("first", "one"), record("second", "two")), file);
        assertEquals(2 * 2560, file.length);
        assertEquals('o', file[512]);
        assertEquals(0, file[5]);
    }

    @Test
    void replaceKeepsThePlaceAndDeleteMovesLaterRecordsUp() throws Exception {
        Path dir = tmp.resolve("h");
        FileKvpStore s = store(dir);
        for (String k : List.of("a", "b", "c", "d")) {
            s.set(3, b(k), b(k + "-v"));
        }
        s.set(3, b("b"), b("B-longer-value"));
        s.set(3, b("b"), b("B2"));
        assertTrue(s.delete(3, b("a")));
        assertFalse(s.delete(3, b("zz")));
        byte[] file = Files.readAllBytes(dir.resolve(".kvp_pool_3"));
        assertArrayEquals(concat(record("b", "B2"), record("c", "c-v"), record("d", "d-v")), file);
        assertEquals("b", s.enumerate(3, 0).orElseThrow().keyText());
        assertEquals("d-v", s.enumerate(3, 2).orElseThrow().valueText());
        assertTrue(s.enumerate(3, 3).isEmpty());
    }

    @Test
    void untouchedRecordsKeepTheirBytesAfterTheNul() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("h"));
        byte[] dirty = record("x", "short");
        Arrays.fill(dirty, 100, 512, (byte) 'G'); // garbage after the key's NUL (daemon's realloc'd memory)
        Arrays.fill(dirty, 600, 2560, (byte) 'H');
        Files.write(dir.resolve(".kvp_pool_0"), dirty);
        FileKvpStore s = store(dir);
        assertEquals("short", new String(s.get(0, b("x")).orElseThrow(), UTF_8));
        s.set(0, b("y"), b("new"));
        byte[] file = Files.readAllBytes(dir.resolve(".kvp_pool_0"));
        assertArrayEquals(concat(dirty, record("y", "new")), file);
    }

    @Test
    void keysMatchWholeCStringsOnlyAndFirstDuplicateWins() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("h"));
        byte[] noNul = new byte[2560];
        Arrays.fill(noNul, 0, 512, (byte) 'k'); // key field without NUL: matches no key
        Files.write(dir.resolve(".kvp_pool_1"),
                concat(record("abc", "1"), record("ab", "2"), record("ab", "3"), noNul));
        FileKvpStore s = store(dir);
        assertEquals("2", new String(s.get(1, b("ab")).orElseThrow(), UTF_8));
        assertTrue(s.get(1, b("a")).isEmpty());
        assertTrue(s.get(1, b("abcd")).isEmpty());
        assertEquals(4, s.list(1).size());
        assertEquals(512, s.list(1).get(3).key().length);
    }

    @Test
    void trailingPartialRecordIsIgnoredAndDroppedOnRewrite() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("h"));
        Files.write(dir.resolve(".kvp_pool_4"), concat(record("a", "1"), new byte[100]));
        FileKvpStore s = store(dir);
        assertEquals(1, s.list(4).size());
        s.set(4, b("b"), b("2"));
        assertEquals(2 * 2560, Files.size(dir.resolve(".kvp_pool_4")));
    }

    @Test
    void sizeLimitsAreTheDaemonsWithTheNul() throws Exception {
        FileKvpStore s = store(tmp.resolve("h"));
        byte[] key = new byte[511];
        Arrays.fill(key, (byte) 'K');
        byte[] value = new byte[2047];
        Arrays.fill(value, (byte) 'V');
        s.set(0, key, value);
        assertArrayEquals(value, s.get(0, key).orElseThrow());
        byte[] longKey = new byte[512];
        Arrays.fill(longKey, (byte) 'K');
        KvpException k = assertThrows(KvpException.class, () -> s.set(0, longKey, b("v")));
        assertEquals(KvpException.Reason.INVALID_ARGUMENT, k.reason());
        byte[] big = new byte[2048];
        Arrays.fill(big, (byte) 'v');
        assertThrows(KvpException.class, () -> s.set(0, b("k"), big));
        assertThrows(KvpException.class, () -> s.get(5, b("k")));
        assertThrows(KvpException.class, () -> s.set(-1, b("k"), b("v")));
    }

    @Test
    void nonAsciiAndEmptyValues() throws Exception {
        FileKvpStore s = store(tmp.resolve("h"));
        s.set(1, b("schlüssel-ключ-鍵"), b("wert ✓"));
        s.set(1, b("empty"), new byte[0]);
        assertEquals("wert ✓", new String(s.get(1, b("schlüssel-ключ-鍵")).orElseThrow(), UTF_8));
        assertEquals(0, s.get(1, b("empty")).orElseThrow().length);
        assertEquals(KvpStore.Entry.class, s.list(1).get(0).getClass());
    }

    @Test
    void unchangedFileIsServedFromMemoryAndChangesByOthersAreSeen() throws Exception {
        Path dir = tmp.resolve("h");
        FileKvpStore a = store(dir);
        FileKvpStore other = new FileKvpStore(FileKvpStore.Options.defaults(dir));
        a.set(1, b("k"), b("v1"));
        long reads = a.pool(1).reads();
        for (int i = 0; i < 1000; i++) {
            assertEquals("v1", new String(a.get(1, b("k")).orElseThrow(), UTF_8));
        }
        assertEquals(reads, a.pool(1).reads(), "an unchanged file is not re-read");
        other.set(1, b("k"), b("v2"));
        assertEquals("v2", new String(a.get(1, b("k")).orElseThrow(), UTF_8));
        assertEquals(reads + 1, a.pool(1).reads());
    }

    @Test
    void sameSizeRewriteWithinOneTimestampTickIsSeen() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("h"));
        Path f = dir.resolve(".kvp_pool_1");
        Files.write(f, record("k", "AAAA")); // written "just now" by someone else, in place
        FileKvpStore s = store(dir);
        assertEquals("AAAA", new String(s.get(1, b("k")).orElseThrow(), UTF_8));
        FileTime tick = Files.getLastModifiedTime(f);
        Files.write(f, record("k", "BBBB")); // same inode, same size …
        Files.setLastModifiedTime(f, tick); // … and the same timestamp tick
        assertEquals("BBBB", new String(s.get(1, b("k")).orElseThrow(), UTF_8));
    }

    @Test
    void settingTheSameValueAgainWritesNothing() throws Exception {
        Path dir = tmp.resolve("h");
        FileKvpStore s = store(dir);
        s.set(1, b("k"), b("v"));
        long[] before = s.pool(1).writeCounts();
        FileTime mtime = Files.getLastModifiedTime(dir.resolve(".kvp_pool_1"));
        s.set(1, b("k"), b("v"));
        assertArrayEquals(before, s.pool(1).writeCounts());
        assertEquals(mtime, Files.getLastModifiedTime(dir.resolve(".kvp_pool_1")));
    }

    @Test
    void setsWriteOneRecordInPlaceAndOnlyDeletesReplaceTheFile() throws Exception {
        Path dir = tmp.resolve("h");
        FileKvpStore s = store(dir);
        Path f = dir.resolve(".kvp_pool_1");
        Object ino = Files.getAttribute(f, "unix:ino");
        s.set(1, b("a"), b("1")); // append
        s.set(1, b("b"), b("2")); // append
        s.set(1, b("a"), b("one")); // replace
        assertEquals(ino, Files.getAttribute(f, "unix:ino"), "sets change the file in place");
        assertArrayEquals(new long[] {3, 0, 0}, s.pool(1).writeCounts());
        assertArrayEquals(concat(record("a", "one"), record("b", "2")), Files.readAllBytes(f));
        FileTime t = Files.getLastModifiedTime(f);
        s.set(1, b("a"), b("uno"));
        assertTrue(Files.getLastModifiedTime(f).compareTo(t) > 0, "every in-place write moves the mtime");
        assertTrue(s.delete(1, b("a")));
        assertFalse(ino.equals(Files.getAttribute(f, "unix:ino")), "a delete replaces the file");
        assertArrayEquals(new long[] {4, 1, 0}, s.pool(1).writeCounts());
        assertArrayEquals(record("b", "2"), Files.readAllBytes(f));
        assertTrue(Files.exists(dir.resolve(".kvp_pool_1.journal")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                dir.resolve(".kvp_pool_1.journal"))));
        Files.setPosixFilePermissions(dir.resolve(".kvp_pool_1.journal"), PosixFilePermissions.fromString("rw-r--r--"));
        store(dir);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                dir.resolve(".kvp_pool_1.journal"))), "tightened at start, as the pools");
    }

    @Test
    void inPlaceChangesByAnotherStoreAreSeenThroughTheCache() throws Exception {
        Path dir = tmp.resolve("h");
        FileKvpStore a = store(dir);
        FileKvpStore other = new FileKvpStore(FileKvpStore.Options.defaults(dir));
        a.set(1, b("k"), b("v1"));
        other.set(1, b("k"), b("v2")); // same size, same inode: only the mtime tells
        assertEquals("v2", new String(a.get(1, b("k")).orElseThrow(), UTF_8));
        for (int i = 0; i < 50; i++) {
            (i % 2 == 0 ? other : a).set(1, b("k"), b("x" + i));
            assertEquals("x" + i, new String((i % 2 == 0 ? a : other).get(1, b("k")).orElseThrow(), UTF_8));
        }
    }

    @Test
    void missingFileReadsAsEmptyAndIsRecreatedOnWrite() throws Exception {
        Path dir = tmp.resolve("h");
        FileKvpStore s = store(dir);
        Files.delete(dir.resolve(".kvp_pool_0"));
        assertTrue(s.list(0).isEmpty());
        s.set(0, b("k"), b("v"));
        assertEquals(2560, Files.size(dir.resolve(".kvp_pool_0")));
        assertTrue(Files.notExists(dir.resolve(".kvp_pool_0.tmp")));
    }
}
