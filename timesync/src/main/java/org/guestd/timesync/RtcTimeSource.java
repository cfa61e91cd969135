// SPDX-License-Identifier: Apache-2.0
package org.guestd.timesync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.guestd.core.AgentException;

/**
 * The real-time clock as {@code /sys/class/rtc/rtcN/since_epoch} shows it: whole seconds of UTC
 * (QEMU's RTC follows the host's clock, so after a pause it tells the host's time). The reading
 * is the start of the current RTC second plus half a second, the middle of what it can mean.
 */
public final class RtcTimeSource implements TimeSource {
    private final Path sinceEpoch;
    private final String name;

    public RtcTimeSource(Path rtcDir) {
        this.sinceEpoch = rtcDir.resolve("since_epoch");
        this.name = rtcDir.getFileName().toString();
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public long nowNanos() throws AgentException {
        try {
            long seconds = Long.parseLong(Files.readString(sinceEpoch, StandardCharsets.US_ASCII).strip());
            return seconds * 1_000_000_000L + 500_000_000L;
        } catch (IOException | NumberFormatException e) {
            throw AgentException.generic("cannot read " + sinceEpoch + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long resolutionNanos() {
        return 1_000_000_000L;
    }
}
