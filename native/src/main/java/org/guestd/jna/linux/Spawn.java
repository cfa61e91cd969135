// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import java.util.Arrays;
import java.util.List;
import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.StringArray;

/**
 * Child processes through {@code posix_spawn(3)} with pipes, and {@code waitpid(2)}, so the
 * caller sees the real wait status (a signal is not folded into an exit code as {@link Process}
 * does). The child gets default signal dispositions and an empty signal mask; every descriptor
 * above 2 is closed in the child (glibc 2.34+; on older glibc only O_CLOEXEC descriptors are).
 */
public final class Spawn {
    private static final int SIGSET_SIZE = 128;
    // glibc: posix_spawn_file_actions_t is 80 bytes, posix_spawnattr_t 336 bytes on LP64.
    private static final int FILE_ACTIONS_SIZE = 256;
    private static final int ATTR_SIZE = 1024;
    private static final int EINTR = Errno.EINTR;
    private static final int EAGAIN = Errno.EAGAIN;

    /** What the child's standard error is connected to. */
    public enum Stderr { NULL, PIPE, TO_STDOUT }

    /**
     * A started child: its pid and the parent's ends of the pipes (-1 where there is none). The
     * pipe ends are non-blocking and close-on-exec.
     */
    public record Child(int pid, int stdin, int stdout, int stderr) {}

    private Spawn() {}

    /**
     * Starts {@code path} with {@code argv} (argv[0] included) and the environment {@code envp}
     * ({@code NAME=value} strings).
     *
     * @param stdinPipe a pipe to the child's stdin, else /dev/null
     * @param stdoutPipe a pipe from the child's stdout, else /dev/null
     * @param stderr where the child's stderr goes ({@code TO_STDOUT} needs {@code stdoutPipe})
     * @throws NativeException with the errno of the failed spawn (e.g. ENOENT, EACCES)
     */
    public static Child spawn(String path, List<String> argv, List<String> envp, boolean stdinPipe,
            boolean stdoutPipe, Stderr stderr) throws NativeException {
        String call = "posix_spawn(" + path + ")";
        LinuxNative.ensure(call);
        int[] in = stdinPipe ? pipe() : null;
        int[] out = stdoutPipe ? pipe() : null;
        int[] err = stderr == Stderr.PIPE ? pipe() : null;
        Memory fa = new Memory(FILE_ACTIONS_SIZE);
        Memory attr = new Memory(ATTR_SIZE);
        Memory sigs = new Memory(SIGSET_SIZE);
        fa.clear();
        attr.clear();
        sigs.clear();
        boolean ok = false;
        try {
            check(call, ProcLibc.posix_spawn_file_actions_init(fa));
            check(call, ProcLibc.posix_spawnattr_init(attr));
            try {
                if (in != null) {
                    check(call, ProcLibc.posix_spawn_file_actions_adddup2(fa, in[0], 0));
                } else {
                    check(call, ProcLibc.posix_spawn_file_actions_addopen(fa, 0, "/dev/null", LinuxLibc.O_RDONLY, 0));
                }
                if (out != null) {
                    check(call, ProcLibc.posix_spawn_file_actions_adddup2(fa, out[1], 1));
                } else {
                    check(call, ProcLibc.posix_spawn_file_actions_addopen(fa, 1, "/dev/null", LinuxLibc.O_WRONLY, 0));
                }
                if (err != null) {
                    check(call, ProcLibc.posix_spawn_file_actions_adddup2(fa, err[1], 2));
                } else if (stderr == Stderr.TO_STDOUT && out != null) {
                    check(call, ProcLibc.posix_spawn_file_actions_adddup2(fa, out[1], 2));
                } else {
                    check(call, ProcLibc.posix_spawn_file_actions_addopen(fa, 2, "/dev/null", LinuxLibc.O_WRONLY, 0));
                }
                closeFrom(fa);
                ProcLibc.sigfillset(sigs);
                check(call, ProcLibc.posix_spawnattr_setsigdefault(attr, sigs));
                ProcLibc.sigemptyset(sigs);
                check(call, ProcLibc.posix_spawnattr_setsigmask(attr, sigs));
                check(call, ProcLibc.posix_spawnattr_setflags(attr,
                        (short) (ProcLibc.POSIX_SPAWN_SETSIGDEF | ProcLibc.POSIX_SPAWN_SETSIGMASK)));
                int[] pid = new int[1];
                check(call, ProcLibc.posix_spawn(pid, path, fa, attr,
                        new StringArray(argv.toArray(new String[0])), new StringArray(envp.toArray(new String[0]))));
                ok = true;
                if (in != null) {
                    setNonBlocking(in[1]);
                }
                if (out != null) {
                    setNonBlocking(out[0]);
                }
                if (err != null) {
                    setNonBlocking(err[0]);
                }
                return new Child(pid[0], in == null ? -1 : in[1], out == null ? -1 : out[0], err == null ? -1 : err[0]);
            } finally {
                ProcLibc.posix_spawn_file_actions_destroy(fa);
                ProcLibc.posix_spawnattr_destroy(attr);
            }
        } finally {
            // the child's ends always; the parent's ends too when the spawn failed
            closeEnd(in, 0);
            closeEnd(out, 1);
            closeEnd(err, 1);
            if (!ok) {
                closeEnd(in, 1);
                closeEnd(out, 0);
                closeEnd(err, 0);
            }
            fa.close();
            attr.close();
            sigs.close();
        }
    }

    /** {@code waitpid(pid, &status, 0)}, retried on EINTR: the raw wait status. */
    public static int waitpid(int pid) throws NativeException {
        int[] status = new int[1];
        while (true) {
            try {
                ProcLibc.waitpid(pid, status, 0);
                return status[0];
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    throw NativeException.of("waitpid(" + pid + ")", e);
                }
            }
        }
    }

    /** WIFEXITED. */
    public static boolean exited(int status) {
        return (status & 0x7f) == 0;
    }

    /** WEXITSTATUS. */
    public static int exitStatus(int status) {
        return (status >> 8) & 0xff;
    }

    /** WIFSIGNALED. */
    public static boolean signaled(int status) {
        int low = status & 0x7f;
        return low != 0 && low != 0x7f;
    }

    /** WTERMSIG. */
    public static int termSignal(int status) {
        return status & 0x7f;
    }

    /** kill(2). */
    public static void kill(int pid, int signal) throws NativeException {
        try {
            ProcLibc.kill(pid, signal);
        } catch (LastErrorException e) {
            throw NativeException.of("kill(" + pid + ")", e);
        }
    }

    /**
     * poll(2) on {@code fds} for {@code events} (POLLIN = 1, POLLOUT = 4); the returned events
     * go to {@code revents} (POLLHUP = 0x10, POLLERR = 8 included). EINTR counts as a timeout.
     *
     * @return the number of descriptors with events
     */
    public static int poll(int[] fds, short[] events, short[] revents, int timeoutMillis) throws NativeException {
        try (Memory m = new Memory(8L * fds.length)) {
            for (int i = 0; i < fds.length; i++) {
                m.setInt(8L * i, fds[i]);
                m.setShort(8L * i + 4, events[i]);
                m.setShort(8L * i + 6, (short) 0);
            }
            int n;
            try {
                n = ProcLibc.poll(m, fds.length, timeoutMillis);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EINTR) {
                    return 0;
                }
                throw NativeException.of("poll", e);
            }
            for (int i = 0; i < fds.length; i++) {
                revents[i] = m.getShort(8L * i + 6);
            }
            return n;
        }
    }

    /** read(2) into {@code buf}: the count, 0 at end of file, -1 when it would block. */
    public static int read(int fd, byte[] buf) throws NativeException {
        while (true) {
            try {
                long n = ProcLibc.read(fd, buf, buf.length);
                return n == 0 ? 0 : (int) n;
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EAGAIN) {
                    return -1;
                }
                if (e.getErrorCode() != EINTR) {
                    throw NativeException.of("read(" + fd + ")", e);
                }
            }
        }
    }

    /** write(2) of {@code buf[off, off+len)}: the count written, 0 when it would block. */
    public static int write(int fd, byte[] buf, int off, int len) throws NativeException {
        byte[] chunk = off == 0 && len == buf.length ? buf : Arrays.copyOfRange(buf, off, off + len);
        while (true) {
            try {
                return (int) ProcLibc.write(fd, chunk, len);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EAGAIN) {
                    return 0;
                }
                if (e.getErrorCode() != EINTR) {
                    throw NativeException.of("write(" + fd + ")", e);
                }
            }
        }
    }

    /** close(2), errors ignored; -1 is skipped. */
    public static void close(int fd) {
        if (fd >= 0) {
            try {
                ProcLibc.close(fd);
            } catch (LastErrorException ignored) {
                // already closed
            }
        }
    }

    /** POLLIN. */
    public static final short POLLIN = ProcLibc.POLLIN;
    /** POLLOUT. */
    public static final short POLLOUT = ProcLibc.POLLOUT;
    /** POLLERR | POLLHUP | POLLNVAL. */
    public static final short POLL_CLOSED = (short) (ProcLibc.POLLERR | ProcLibc.POLLHUP | ProcLibc.POLLNVAL);

    private static int[] pipe() throws NativeException {
        int[] fds = new int[2];
        try {
            ProcLibc.pipe2(fds, LinuxLibc.O_CLOEXEC); // the child's ends are dup2'ed (dup2 clears CLOEXEC)
            return fds;
        } catch (LastErrorException e) {
            throw NativeException.of("pipe2", e);
        }
    }

    private static void closeEnd(int[] pipe, int end) {
        if (pipe != null && pipe[end] >= 0) {
            close(pipe[end]);
            pipe[end] = -1;
        }
    }

    private static void closeFrom(Memory fa) {
        try {
            ProcLibcExtra.posix_spawn_file_actions_addclosefrom_np(fa, 3);
        } catch (LinkageError old) {
            // glibc < 2.34: rely on O_CLOEXEC
        }
    }

    private static void check(String call, int rc) throws NativeException {
        if (rc != 0) {
            throw new NativeException(call, rc);
        }
    }

    /** Sets O_NONBLOCK on a parent's pipe end. */
    public static void setNonBlocking(int fd) throws NativeException {
        try {
            int fl = ProcLibc.fcntl(fd, LinuxLibc.F_GETFL, 0);
            ProcLibc.fcntl(fd, LinuxLibc.F_SETFL, fl | LinuxLibc.O_NONBLOCK);
        } catch (LastErrorException e) {
            throw NativeException.of("fcntl(" + fd + ")", e);
        }
    }
}
