// SPDX-License-Identifier: Apache-2.0
package org.guestd.freeze;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.guestd.jna.linux.NativeException;

/**
 * A kernel stand-in: remembers which mountpoints are frozen (FIFREEZE on a frozen one is EBUSY,
 * FITHAW on a thawed one EINVAL, as Linux), records every call, and fails chosen calls with an
 * errno — turned into the engine's failures by the production mapping ({@link NativeFsOps}), so
 * the tests cover errno → qemu-ga text end to end. Never touches a filesystem.
 */
final class FakeFsOps implements FsOps {
    /** Linux errno values the tests inject (asm-generic). */
    static final int ENOENT = 2;
    static final int EIO = 5;
    static final int EBUSY = 16;
    static final int EINVAL = 22;
    static final int ENOTTY = 25;
    static final int EOPNOTSUPP = 95;

    final List<String> calls = new ArrayList<>();
    final Set<String> frozen = new HashSet<>();
    final Map<String, Integer> freezeErrno = new HashMap<>();
    final Map<String, Integer> openErrno = new HashMap<>();
    final Map<String, Integer> trimErrno = new HashMap<>();
    /** Run at each FIFREEZE, before it takes effect (to observe the engine mid-freeze). */
    Runnable onFreeze = () -> {};
    /** Run after each FITHAW that thawed something (a writer on that filesystem goes on now). */
    Runnable onThaw = () -> {};

    @Override
    public synchronized void freeze(String mp) throws FsOpException {
        calls.add("freeze " + mp);
        onFreeze.run();
        if (openErrno.containsKey(mp)) {
            throw NativeFsOps.freezeFailure(new NativeException("open(" + mp + ")", openErrno.get(mp)));
        }
        if (freezeErrno.containsKey(mp)) {
            throw NativeFsOps.freezeFailure(new NativeException("FIFREEZE(" + mp + ")", freezeErrno.get(mp)));
        }
        if (!frozen.add(mp)) {
            throw NativeFsOps.freezeFailure(new NativeException("FIFREEZE(" + mp + ")", EBUSY));
        }
    }

    @Override
    public synchronized void thaw(String mp) throws FsOpException {
        calls.add("thaw " + mp);
        if (!frozen.remove(mp)) {
            throw NativeFsOps.thawFailure(new NativeException("FITHAW(" + mp + ")", EINVAL));
        }
        onThaw.run();
    }

    @Override
    public synchronized Trimmed trim(String mp, long minimum) throws FsOpException {
        calls.add("trim " + mp + " " + minimum);
        if (trimErrno.containsKey(mp)) {
            throw NativeFsOps.trimFailure(new NativeException("FITRIM(" + mp + ")", trimErrno.get(mp)));
        }
        return new Trimmed(1000L * mp.length(), Math.max(minimum, 4096));
    }

    synchronized List<String> calls() {
        return List.copyOf(calls);
    }
}
