// SPDX-License-Identifier: Apache-2.0
package org.guestd.freeze;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.guestd.jna.linux.FsIoctl;
import org.guestd.jna.linux.NativeException;

/**
 * A kernel stand-in: remembers which mountpoints are frozen (FIFREEZE on a frozen one is EBUSY,
 * FITHAW on a thawed one EINVAL, as Linux), records every call, and fails chosen calls with an
 * errno. Never touches a filesystem.
 */
final class FakeFsOps implements FsOps {
    final List<String> calls = new ArrayList<>();
    final Set<String> frozen = new HashSet<>();
    final Map<String, Integer> freezeErrno = new HashMap<>();
    final Map<String, Integer> openErrno = new HashMap<>();
    final Map<String, Integer> trimErrno = new HashMap<>();
    /** Run at each FIFREEZE, before it takes effect (to observe the engine mid-freeze). */
    Runnable onFreeze = () -> {};

    @Override
    public synchronized void freeze(String mp) throws NativeException {
        calls.add("freeze " + mp);
        onFreeze.run();
        if (openErrno.containsKey(mp)) {
            throw new NativeException("open(" + mp + ")", openErrno.get(mp));
        }
        if (freezeErrno.containsKey(mp)) {
            throw new NativeException("FIFREEZE(" + mp + ")", freezeErrno.get(mp));
        }
        if (!frozen.add(mp)) {
            throw new NativeException("FIFREEZE(" + mp + ")", FsIoctl.EBUSY);
        }
    }

    @Override
    public synchronized void thaw(String mp) throws NativeException {
        calls.add("thaw " + mp);
        if (!frozen.remove(mp)) {
            throw new NativeException("FITHAW(" + mp + ")", FsIoctl.EINVAL);
        }
    }

    @Override
    public synchronized FsIoctl.TrimRange trim(String mp, long minimum) throws NativeException {
        calls.add("trim " + mp + " " + minimum);
        if (trimErrno.containsKey(mp)) {
            throw new NativeException("FITRIM(" + mp + ")", trimErrno.get(mp));
        }
        return new FsIoctl.TrimRange(1000L * mp.length(), Math.max(minimum, 4096));
    }

    synchronized List<String> calls() {
        return List.copyOf(calls);
    }
}
