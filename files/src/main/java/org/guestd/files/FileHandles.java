// SPDX-License-Identifier: Apache-2.0
package org.guestd.files;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.guestd.jna.linux.CStream;

/**
 * Guest files a host opened, by handle: one table per agent, shared by every channel and
 * connection (qemu-ga keeps one table for the agent). The streams are C stdio streams
 * ({@code org.guestd.jna.linux.CStream}), so reads, writes, seeks and end-of-file behave exactly as
 * qemu-ga's, including its implicit flush when a read follows a write and {@code fseek(0,
 * SEEK_CUR)} when a write follows a read. Handles come from a counter persisted in the state dir
 * ({@link HandleCounter}: {@code qga.state}, qemu-ga's file). Each operation holds the handle's
 * lock; different handles work in parallel.
 */
public final class FileHandles {
    /** The state file's name inside the state dir. */
    public static final String STATE_FILE = "qga.state";
    /** The first handle of a fresh state dir, qemu-ga's {@code QGA_PSTATE_DEFAULT_FD_COUNTER}. */
    public static final long DEFAULT_COUNTER = 1000;

    /** How {@link #seek} counts its offset. */
    public enum Whence { SET, CUR, END }

    /** Bytes read, and whether the end of the file was reached. */
    public record Chunk(byte[] data, boolean eof) {}

    /** Bytes written, and the stream's end-of-file flag afterwards. */
    public record Written(long count, boolean eof) {}

    /** The position after a seek, and the stream's end-of-file flag. */
    public record Position(long position, boolean eof) {}

    /**
     * The bytes of a write, produced once the handle is found and its stream is ready for writing
     * (after the implicit seek that follows a read), so a caller's own checks on the data come
     * after the file's, as in qemu-ga.
     *
     * @param <E> the caller's own failure
     */
    @FunctionalInterface
    public interface Payload<E extends Exception> {
        /** The bytes to write: from the buffer's position to its limit. */
        ByteBuffer bytes() throws E;
    }

    private final HandleCounter counter;
    private final Map<Long, OpenFile> open = new LinkedHashMap<>();

    /** @param stateDir where the handle counter lives (the agent's state dir) */
    public FileHandles(Path stateDir) {
        this.counter = new HandleCounter(stateDir.resolve(STATE_FILE));
    }

    /**
     * Opens {@code path} with an fopen {@code mode} (r, rb, w, wb, a, ab, r+, rb+, r+b, w+, wb+,
     * w+b, a+, ab+, a+b): {@code O_NOCTTY | O_NONBLOCK | O_CLOEXEC} (a FIFO never blocks), a new file
     * created exclusively and set 0666 whatever the umask; a relative path is the agent's cwd's.
     *
     * @return the new handle
     */
    public long open(String path, String mode) throws FileException {
        CStream stream = FileOpener.open(path, mode);
        OpenFile file = new OpenFile(stream);
        synchronized (this) {
            long handle;
            try {
                handle = counter.take();
            } catch (FileException e) {
                stream.close();
                throw e;
            }
            open.put(handle, file);
            return handle;
        }
    }

    /** Fails with {@link FileException.Kind#NO_SUCH_HANDLE} unless {@code handle} is open. */
    public void require(long handle) throws FileException {
        find(handle);
    }

    /**
     * Reads up to {@code count} bytes (fewer at the end of the file, none from an empty FIFO);
     * flushes first when the last operation was a write.
     */
    public Chunk read(long handle, int count) throws FileException {
        return withFile(handle, f -> {
            if (f.state == OpenFile.State.WRITING) {
                int errno = f.stream.flush();
                if (errno != 0) {
                    throw FileOpener.failed("failed to flush file", errno);
                }
                f.state = OpenFile.State.NEW;
            }
            CStream.ReadResult read = f.stream.read(count);
            if (read.errno() != 0) {
                throw FileOpener.failed("failed to read file", read.errno());
            }
            f.state = OpenFile.State.READING;
            return new Chunk(read.data(), read.eof());
        });
    }

    /** Writes {@code data}. */
    public Written write(long handle, byte[] data) throws FileException {
        return write(handle, () -> ByteBuffer.wrap(data));
    }

    /**
     * Writes the payload's bytes; when the last operation was a read, first re-synchronises the
     * stream with {@code fseek(0, SEEK_CUR)}.
     *
     * @throws E when the payload fails (nothing is written)
     */
    public <E extends Exception> Written write(long handle, Payload<E> payload) throws FileException, E {
        return this.<Written, E>withFileOr(handle, f -> {
            if (f.state == OpenFile.State.READING) {
                CStream.SeekResult s = f.stream.seek(0, 1);
                if (s.errno() != 0) {
                    throw FileOpener.failed("failed to seek file", s.errno());
                }
                f.state = OpenFile.State.NEW;
            }
            ByteBuffer b = payload.bytes();
            byte[] buf = b.hasArray() && b.arrayOffset() == 0 && b.position() == 0 ? b.array() : bytesOf(b);
            CStream.WriteResult w = f.stream.write(buf, b.remaining());
            if (w.errno() != 0) {
                throw FileOpener.failed("failed to write to file", w.errno());
            }
            f.state = OpenFile.State.WRITING;
            return new Written(w.count(), w.eof());
        });
    }

    private static byte[] bytesOf(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** {@code fseeko} then {@code ftello}; the error flags are cleared either way. */
    public Position seek(long handle, long offset, Whence whence) throws FileException {
        int w = switch (whence) {
            case SET -> 0;
            case CUR -> 1;
            case END -> 2;
        };
        return withFile(handle, f -> {
            CStream.SeekResult sought = f.stream.seek(offset, w);
            if (sought.errno() == 0 || sought.isIllegalSeek()) {
                f.state = OpenFile.State.NEW;
            }
            f.stream.clearErrors();
            if (sought.errno() != 0) {
                throw FileOpener.failed("failed to seek file", sought.errno());
            }
            return new Position(sought.position(), sought.eof());
        });
    }

    /** {@code fflush}. */
    public void flush(long handle) throws FileException {
        withFile(handle, f -> {
            int errno = f.stream.flush();
            if (errno != 0) {
                throw FileOpener.failed("failed to flush file", errno);
            }
            f.state = OpenFile.State.NEW;
            return null;
        });
    }

    /**
     * {@code fclose}; the handle is forgotten even when that fails (the stream is gone; qemu-ga
     * would keep a dangling entry).
     */
    public void close(long handle) throws FileException {
        int errno = withFile(handle, f -> {
            f.closed = true;
            int closeErrno = f.stream.close();
            synchronized (this) {
                open.remove(handle, f);
            }
            return closeErrno;
        });
        if (errno != 0) {
            throw FileOpener.failed("failed to close handle", errno);
        }
    }

    /** The number of open handles. */
    public synchronized int size() {
        return open.size();
    }

    /** The next handle, as it would be given out (reads the state file if not done yet). */
    public synchronized long peekCounter() {
        return counter.peek();
    }

    private synchronized OpenFile find(long handle) throws FileException {
        OpenFile f = open.get(handle);
        if (f == null) {
            throw FileException.noSuchHandle(handle);
        }
        return f;
    }

    @FunctionalInterface
    private interface Action<R, E extends Exception> {
        R apply(OpenFile file) throws FileException, E;
    }

    private <R> R withFile(long handle, Action<R, RuntimeException> action) throws FileException {
        return withFileOr(handle, action);
    }

    /** Runs {@code action} on the open file under its lock; no such handle also when it was closed meanwhile. */
    private <R, E extends Exception> R withFileOr(long handle, Action<R, E> action) throws FileException, E {
        OpenFile f = find(handle);
        synchronized (f) {
            if (f.closed) {
                throw FileException.noSuchHandle(handle);
            }
            return action.apply(f);
        }
    }
}
