// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.testing;

import java.util.ArrayList;
import java.util.List;
import org.guestd.core.AgentException;
import org.guestd.freeze.FsFreezer;
import org.guestd.freeze.FsTrimmer;

/** A freeze engine stand-in: records calls, returns set counts, fails on demand. */
public final class FakeFsFreezer implements FsFreezer, FsTrimmer {
    public volatile Status status = Status.THAWED;
    public final List<String> calls = new ArrayList<>();
    public int count = 2;
    public AgentException failure;
    public List<TrimResult> trimResults = List.of();

    @Override
    public Status status() {
        return status;
    }

    @Override
    public synchronized int freeze(List<String> mountpoints, String requester) throws AgentException {
        calls.add("freeze " + mountpoints + " by " + requester);
        if (failure != null) {
            throw failure;
        }
        status = Status.FROZEN;
        return count;
    }

    @Override
    public synchronized int thaw(String requester) throws AgentException {
        calls.add("thaw by " + requester);
        boolean was = status == Status.FROZEN;
        status = Status.THAWED;
        return was ? count : 0;
    }

    @Override
    public synchronized List<TrimResult> trim(Long minimum) throws AgentException {
        calls.add("trim " + minimum);
        if (failure != null) {
            throw failure;
        }
        return new ArrayList<>(trimResults);
    }
}
