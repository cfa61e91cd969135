// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.tz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import org.guestd.core.env.Clock;
import org.guestd.guestinfo.GuestInfo.TimeZoneInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * guest-get-timezone: qemu-ga asks GLib for {@code g_time_zone_new_local()} and reports the
 * abbreviation and offset of the interval containing "now". GLib 2.74 (Debian 12's, the one
 * qemu-ga 7.2 runs with) resolves the local zone as follows, and so does this class:
 * <ol>
 * <li>TZ set (here: the {@code tzOverride} the agent passes in): a constant offset
 * ({@code UTC}, {@code Z}, {@code +05:30}; named by the TZ text itself), else a POSIX rule
 * ({@code CET-1CEST,M3.5.0,M10.5.0/3}), else a TZif file: an absolute path or a name under the
 * zoneinfo directory, with an optional leading ':'. Nothing usable → UTC.</li>
 * <li>TZ unset: {@code <etc>/localtime} is used only if GLib can name it: it must be a symlink to
 * a regular file, or a regular file / a symlink to a symlink <em>with</em> {@code <etc>/timezone}
 * readable. A missing localtime, a dangling link, or a plain file without {@code etc/timezone}
 * all give UTC, as do unreadable or invalid TZif data.</li>
 * </ol>
 * Absolute link targets under {@code /usr/share/zoneinfo} or {@code /etc} are re-rooted at the
 * configured directories so that fixture trees never reach the live ones. Unlike GLib no result
 * is cached: every call reads the files afresh.
 */
public final class TimeZoneCollector {
    private static final Logger LOG = LoggerFactory.getLogger(TimeZoneCollector.class);

    /** GLib's default TZDIR. */
    public static final String DEFAULT_TZDIR = "/usr/share/zoneinfo";

    private final Path etc;
    private final Path zoneinfo;
    private final Optional<String> tz;
    private final Clock clock;

    /**
     * @param etc the {@code /etc} root
     * @param zoneinfo the zoneinfo directory ({@code /usr/share/zoneinfo} or a fixture)
     * @param tz the TZ variable's value, if set
     */
    public TimeZoneCollector(Path etc, Path zoneinfo, Optional<String> tz, Clock clock) {
        this.etc = etc;
        this.zoneinfo = zoneinfo;
        this.tz = tz;
        this.clock = clock;
    }

    public TimeZoneInfo collect() {
        long now = clock.realtimeNanos() / 1_000_000_000L;
        Zone.Type t = resolve().at(now);
        return new TimeZoneInfo(t.abbrev(), t.offset());
    }

    /** The local zone as GLib would build it (UTC when nothing usable is found). */
    public Zone resolve() {
        Zone z = tz.isPresent() ? fromIdentifier(tz.get()) : fromLocaltime();
        return z == null ? Zone.UTC : z;
    }

    /** {@code g_time_zone_new_identifier(identifier)}, or null where GLib returns NULL. */
    Zone fromIdentifier(String id) {
        Zone c = TzOffsets.constantZone(id);
        if (c != null) {
            return c;
        }
        PosixRule rule = PosixRule.parse(id);
        if (rule != null) {
            return rule.asZone();
        }
        String name = id.startsWith(":") ? id.substring(1) : id;
        Path file = name.startsWith("/") ? reroot(name) : zoneinfo.resolve(name);
        return readZone(file);
    }

    private Zone fromLocaltime() {
        Path localtime = etc.resolve("localtime");
        Path data;
        boolean named;
        if (Files.isSymbolicLink(localtime)) {
            Path target;
            try {
                String t = Files.readSymbolicLink(localtime).toString();
                target = t.startsWith("/") ? reroot(t) : etc.resolve(t);
            } catch (IOException e) {
                return null;
            }
            data = target;
            if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                named = true;
            } else if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                named = timezoneFileReadable(); // a symlink to a symlink (toolbox)
            } else {
                named = false;
            }
        } else if (Files.exists(localtime, LinkOption.NOFOLLOW_LINKS)) {
            data = localtime;
            named = timezoneFileReadable(); // readlink fails with EINVAL
        } else {
            return null;
        }
        if (!named) {
            LOG.debug("cannot name the local time zone ({}); using UTC", localtime);
            return null;
        }
        return readZone(data);
    }

    private boolean timezoneFileReadable() {
        try {
            Files.readAllBytes(etc.resolve("timezone"));
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Maps an absolute path of the live system into the configured roots. */
    private Path reroot(String abs) {
        if (abs.equals(DEFAULT_TZDIR)) {
            return zoneinfo;
        }
        if (abs.startsWith(DEFAULT_TZDIR + "/")) {
            return zoneinfo.resolve(abs.substring(DEFAULT_TZDIR.length() + 1));
        }
        if (abs.startsWith("/etc/")) {
            return etc.resolve(abs.substring(5));
        }
        return Path.of(abs);
    }

    private static Zone readZone(Path file) {
        try {
            return Tzif.parse(Files.readAllBytes(file));
        } catch (IOException | RuntimeException e) {
            LOG.debug("no usable zone data in {}: {}", file, e.toString());
            return null;
        }
    }
}
