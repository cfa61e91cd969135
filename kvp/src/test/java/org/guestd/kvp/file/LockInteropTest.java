// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.file;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store against other processes' locks: hv_kvp_daemon's fcntl(F_SETLKW) whole-file write
 * lock (python's {@code fcntl.lockf} makes exactly that call) and cloud-init's {@code flock}.
 * "Is waiting" is read from /proc/locks (a "->" line on the file's inode), never from timing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LockInteropTest {
    @TempDir
    Path tmp;

    private static final String DAEMON_WRITER = String.join("\n",
            "import fcntl, os, sys",
            "path = sys.argv[1]",
            "fd = os.open(path, os.O_RDWR)",
            "fcntl.lockf(fd, fcntl.LOCK_EX)",
            "print('locked', flush=True)",
            "sys.stdin.readline()",
            "rec = b'daemon' + b'\\0' * 506 + b'wrote-in-place' + b'\\0' * 2034",
            "with open(path, 'wb') as f: f.write(rec)",
            "fcntl.lockf(fd, fcntl.LOCK_UN)",
            "print('done', flush=True)");

    private static final String DAEMON_READER = String.join("\n",
            "import fcntl, os, sys",
            "path = sys.argv[1]",
            "fd = os.open(path, os.O_RDWR)",
            "print('opened', flush=True)",
            "fcntl.lockf(fd, fcntl.LOCK_EX)",
            "data = open(path, 'rb').read()",
            "print(' '.join(data[i:i+512].split(b'\\0')[0].decode() for i in range(0, len(data), 2560)), flush=True)");

    private static final String FLOCK_HOLDER = String.join("\n",
            "import fcntl, sys",
            "f = open(sys.argv[1], 'ab')",
            "fcntl.flock(f, fcntl.LOCK_EX)",
            "print('locked', flush=True)",
            "sys.stdin.readline()",
            "f.write(b'cloudinit' + b'\\0' * 503 + b'appended' + b'\\0' * 2040)",
            "f.flush()",
            "fcntl.flock(f, fcntl.LOCK_UN)",
            "print('done', flush=True)");

    private FileKvpStore store(Path dir) throws Exception {
        FileKvpStore s = new FileKvpStore(FileKvpStore.Options.defaults(dir));
        s.init();
        return s;
    }

    private static Process python(String script, Path file) throws Exception {
        assumeTrue(new ProcessBuilder("python3", "-c", "pass").start().waitFor() == 0, "python3 not available");
        return new ProcessBuilder("python3", "-c", script, file.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** Waits until /proc/locks shows a blocked request on {@code file}'s inode. */
    private static void awaitWaiter(Path file, String kind) throws Exception {
        String ino = ":" + Files.getAttribute(file, "unix:ino") + " ";
        while (true) {
            for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
                if (line.contains("->") && line.contains(kind) && line.contains(ino)) {
                    return;
                }
            }
            Thread.sleep(5);
        }
    }

    @Test
    void setWaitsForTheDaemonsFcntlLockAndKeepsItsInPlaceWrite() throws Exception {
        Path dir = tmp.resolve("h");
        FileKvpStore s = store(dir);
        Path file = dir.resolve(".kvp_pool_1");
        Process p = python(DAEMON_WRITER, file);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8));
        assertEquals("locked", out.readLine());
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                s.set(1, "guestd".getBytes(UTF_8), "after".getBytes(UTF_8));
            } catch (Exception e) {
                failure.set(e);
            }
        });
        t.start();
        awaitWaiter(file, "OFDLCK");
        try (OutputStream in = p.getOutputStream()) {
            in.write('\n');
        }
        assertEquals("done", out.readLine());
        t.join();
        assertEquals(null, failure.get());
        byte[] expected = new byte[2 * 2560];
        System.arraycopy(PoolSnapshot.record("daemon".getBytes(UTF_8), "wrote-in-place".getBytes(UTF_8)), 0,
                expected, 0, 2560);
        System.arraycopy(PoolSnapshot.record("guestd".getBytes(UTF_8), "after".getBytes(UTF_8)), 0,
                expected, 2560, 2560);
        assertArrayEquals(expected, Files.readAllBytes(file));
    }

    @Test
    void daemonStyleReaderWaitsForOurWriteAndReadsTheNewFileByName() throws Exception {
        Path dir = tmp.resolve("h");
        FileKvpStore s = store(dir);
        s.set(1, "old".getBytes(UTF_8), "1".getBytes(UTF_8));
        Path file = dir.resolve(".kvp_pool_1");
        CountDownLatch inLock = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                s.pool(1).update(cur -> {
                    inLock.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return cur.withAppended("new".getBytes(UTF_8), "2".getBytes(UTF_8));
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        inLock.await();
        Process p = python(DAEMON_READER, file);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8));
        assertEquals("opened", out.readLine());
        awaitWaiter(file, "POSIX");
        release.countDown();
        t.join();
        assertEquals("old new", out.readLine());
    }

    @Test
    void setWaitsForCloudInitsFlockAndKeepsItsAppend() throws Exception {
        Path dir = tmp.resolve("h");
        FileKvpStore s = store(dir);
        Path file = dir.resolve(".kvp_pool_1");
        Process p = python(FLOCK_HOLDER, file);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8));
        assertEquals("locked", out.readLine());
        Thread t = new Thread(() -> {
            try {
                s.set(1, "guestd".getBytes(UTF_8), "v".getBytes(UTF_8));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        awaitWaiter(file, "FLOCK");
        try (OutputStream in = p.getOutputStream()) {
            in.write('\n');
        }
        assertEquals("done", out.readLine());
        t.join();
        assertEquals("cloudinit", s.enumerate(1, 0).orElseThrow().keyText());
        assertEquals("guestd", s.enumerate(1, 1).orElseThrow().keyText());
    }
}
