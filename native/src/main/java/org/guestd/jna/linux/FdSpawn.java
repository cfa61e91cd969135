// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.StringArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a child that inherits chosen descriptors at chosen numbers, which {@link ProcessBuilder}
 * cannot do (it closes everything but 0-2 in the child): {@code posix_spawn(3)} with file actions
 * — stdin from /dev/null, stdout and stderr to a log file, each {@code source → target} by
 * {@code dup2} (which clears close-on-exec on the copy), every other descriptor above the targets
 * closed ({@code addclosefrom_np}, glibc 2.34+; older glibc relies on O_CLOEXEC) — with default
 * signal dispositions and an empty signal mask. For test harnesses that hand a socketpair end to
 * a daemon under test as its device.
 */
public final class FdSpawn {
    private static final int FILE_ACTIONS_SIZE = 256; // glibc: 80 bytes on LP64
    private static final int ATTR_SIZE = 1024; // glibc: 336 bytes on LP64
    private static final int SIGSET_SIZE = 128;
    private static final int WNOHANG = 1;

    private FdSpawn() {}

    /**
     * Starts {@code argv[0]} (an absolute path) with {@code env} as its whole environment.
     *
     * @param fds source descriptor in this process → descriptor number in the child (3 and up)
     * @param log where the child's stdout and stderr go (created or truncated, mode 0644)
     * @return the child's pid
     * @throws NativeException with the error number of the failed spawn step
     */
    public static int spawn(List<String> argv, Map<String, String> env, Map<Integer, Integer> fds, String log)
            throws NativeException {
        String call = "posix_spawn(" + argv.get(0) + ")";
        LinuxNative.ensure(call);
        try (Memory fa = new Memory(FILE_ACTIONS_SIZE); Memory attr = new Memory(ATTR_SIZE);
                Memory sigs = new Memory(SIGSET_SIZE)) {
            fa.clear();
            attr.clear();
            sigs.clear();
            check(call, ProcLibc.posix_spawn_file_actions_init(fa));
            check(call, ProcLibc.posix_spawnattr_init(attr));
            try {
                check(call, ProcLibc.posix_spawn_file_actions_addopen(fa, 0, "/dev/null", LinuxLibc.O_RDONLY, 0));
                check(call, ProcLibc.posix_spawn_file_actions_addopen(fa, 1, log,
                        LinuxLibc.O_WRONLY | ProcLibc.O_CREAT | ProcLibc.O_TRUNC, 0644));
                check(call, ProcLibc.posix_spawn_file_actions_adddup2(fa, 1, 2));
                int highest = 2;
                for (Map.Entry<Integer, Integer> e : fds.entrySet()) {
                    check(call, ProcLibc.posix_spawn_file_actions_adddup2(fa, e.getKey(), e.getValue()));
                    highest = Math.max(highest, e.getValue());
                }
                try {
                    check(call, ProcLibcExtra.posix_spawn_file_actions_addclosefrom_np(fa, highest + 1));
                } catch (LinkageError old) {
                    // glibc < 2.34: rely on O_CLOEXEC
                }
                ProcLibc.sigfillset(sigs);
                check(call, ProcLibc.posix_spawnattr_setsigdefault(attr, sigs));
                ProcLibc.sigemptyset(sigs);
                check(call, ProcLibc.posix_spawnattr_setsigmask(attr, sigs));
                check(call, ProcLibc.posix_spawnattr_setflags(attr,
                        (short) (ProcLibc.POSIX_SPAWN_SETSIGDEF | ProcLibc.POSIX_SPAWN_SETSIGMASK)));
                List<String> envp = new ArrayList<>();
                env.forEach((k, v) -> envp.add(k + "=" + v));
                int[] pid = new int[1];
                check(call, ProcLibc.posix_spawn(pid, argv.get(0), fa, attr,
                        new StringArray(argv.toArray(new String[0])), new StringArray(envp.toArray(new String[0]))));
                return pid[0];
            } finally {
                ProcLibc.posix_spawn_file_actions_destroy(fa);
                ProcLibc.posix_spawnattr_destroy(attr);
            }
        }
    }

    /**
     * {@code waitpid(pid, &status, WNOHANG)}: the raw wait status once the child ended (read it
     * with {@link Spawn#exited} and friends), null while it runs.
     *
     * @throws NativeException ECHILD when it was reaped already
     */
    public static Integer tryWait(int pid) throws NativeException {
        int[] st = new int[1];
        try {
            return ProcLibc.waitpid(pid, st, WNOHANG) == pid ? st[0] : null;
        } catch (LastErrorException e) {
            throw NativeException.of("waitpid(" + pid + ", WNOHANG)", e);
        }
    }

    private static void check(String call, int rc) throws NativeException {
        if (rc != 0) {
            throw new NativeException(call, rc);
        }
    }
}
