// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.sys;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.guestd.guestinfo.GuestInfo.LoginUser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * guest-get-users from the utmp file ({@code /run/utmp}), read like glibc's {@code getutxent()}
 * on x86-64 and aarch64: fixed 384-byte little-endian {@code struct utmp} records, a short
 * trailing record ends the file. qemu-ga keeps {@code USER_PROCESS} (7) entries, one per user name
 * in first-seen order, with the earliest {@code tv_sec + tv_usec / 1e6}. Like qemu's
 * {@code g_strdup(ut_user)}, a 32-byte name without NUL runs on into {@code ut_host}. A missing
 * or unreadable file gives an empty list.
 */
public final class Utmp {
    private static final Logger LOG = LoggerFactory.getLogger(Utmp.class);

    /** sizeof(struct utmp) with the 32-bit time compat layout. */
    public static final int RECORD = 384;
    public static final int USER_PROCESS = 7;
    static final int OFF_TYPE = 0;
    static final int OFF_USER = 44;
    static final int OFF_TV_SEC = 340;
    static final int OFF_TV_USEC = 344;

    private final Path file;

    public Utmp(Path file) {
        this.file = file;
    }

    public List<LoginUser> collect() {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot read {}: {}", file, e.toString());
            return List.of();
        }
        return parse(data);
    }

    /** Users in {@code data}, a utmp file's content. */
    public static List<LoginUser> parse(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        Map<String, Double> earliest = new LinkedHashMap<>();
        for (int at = 0; at + RECORD <= data.length; at += RECORD) {
            if (b.getShort(at + OFF_TYPE) != USER_PROCESS) {
                continue;
            }
            String user = cString(data, at + OFF_USER, at + RECORD);
            double seconds = b.getInt(at + OFF_TV_SEC);
            double useconds = b.getInt(at + OFF_TV_USEC);
            useconds /= 1_000_000;
            double login = seconds + useconds;
            Double prev = earliest.get(user);
            if (prev == null || login < prev) {
                earliest.put(user, login);
            }
        }
        List<LoginUser> out = new ArrayList<>(earliest.size());
        earliest.forEach((u, t) -> out.add(new LoginUser(u, t)));
        return out;
    }

    private static String cString(byte[] d, int from, int limit) {
        int end = from;
        while (end < limit && d[end] != 0) {
            end++;
        }
        return new String(d, from, end - from, StandardCharsets.UTF_8);
    }
}
