// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import java.util.ArrayList;
import java.util.List;

/** Collects {@link Retry}'s log lines by level. */
final class RecordingLog implements Retry.Log {
    final List<String> warn = new ArrayList<>();
    final List<String> info = new ArrayList<>();
    final List<String> debug = new ArrayList<>();

    @Override
    public synchronized void warn(String line) {
        warn.add(line);
    }

    @Override
    public synchronized void info(String line) {
        info.add(line);
    }

    @Override
    public synchronized void debug(String line) {
        debug.add(line);
    }
}
