// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.exec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The guest-exec children not yet reported as exited, by pid (qemu-ga's {@code
 * guest_exec_state.processes}); shared by every connection.
 */
final class ExecTable {
    private final Map<Long, ExecProcess> processes = new LinkedHashMap<>();

    synchronized void add(ExecProcess p) {
        processes.put((long) p.pid, p);
    }

    synchronized ExecProcess find(long pid) {
        return processes.get(pid);
    }

    synchronized void remove(ExecProcess p) {
        processes.remove((long) p.pid, p);
    }

    synchronized int size() {
        return processes.size();
    }
}
