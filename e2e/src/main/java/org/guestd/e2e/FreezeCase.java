// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e;

import static org.guestd.e2e.Session.check;

import java.io.IOException;
import java.time.Duration;
import org.guestd.core.json.Json;

/**
 * guest-fsfreeze-freeze on the guest's real ext4 and xfs: while frozen, a guest-side writer on each
 * filesystem must stay blocked; after guest-fsfreeze-thaw both writes complete.
 */
final class FreezeCase {

    private FreezeCase() {
    }

    static void run(Session s) throws Exception {
        check("thawed".equals(s.ok("guest-fsfreeze-status")), "not thawed before the case");
        s.shell().sh("rm -f /tmp/wrote-* /mnt/ext4/frozen-write /mnt/xfs/frozen-write; sync");
        boolean frozen = false;
        try {
            Object n = s.ok("guest-fsfreeze-freeze");
            frozen = true;
            s.note("freeze -> " + n);
            check(Json.asLong(n) != null && Json.asLong(n) >= 2, "froze " + n + " filesystems, expected ext4 and xfs");
            check("frozen".equals(s.ok("guest-fsfreeze-status")), "status is not frozen");
            for (String fs : new String[] {"ext4", "xfs"}) {
                // The write blocks in the kernel while the filesystem is frozen; the marker lives on tmpfs.
                s.shell().sh("(echo e2e > /mnt/" + fs + "/frozen-write && touch /tmp/wrote-" + fs
                        + ") >/dev/null 2>&1 &");
            }
            Sleep.millis(3000);
            String early = s.shell().sh("ls /tmp | grep wrote- || true");
            check(early.isEmpty(), "writes completed on a frozen filesystem: " + early);
            String blocked = s.shell().sh("grep -l '^State:.*D' /proc/[0-9]*/status 2>/dev/null | wc -l");
            s.note("writers blocked for 3 s (" + blocked + " tasks in D state)");
            Object t = s.ok("guest-fsfreeze-thaw");
            frozen = false;
            s.note("thaw -> " + t);
            check(Json.asLong(t) != null && Json.asLong(t).equals(Json.asLong(n)), "thawed " + t + " of " + n);
        } finally {
            if (frozen) {
                thawQuietly(s);
            }
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!s.shell().sh("ls /tmp | grep -c wrote- || true").equals("2")) {
            check(System.nanoTime() < deadline, "writers still blocked 60 s after thaw");
            Sleep.millis(200);
        }
        check("e2e\ne2e".equals(s.shell().sh("cat /mnt/ext4/frozen-write /mnt/xfs/frozen-write")), "written data lost");
        check("thawed".equals(s.ok("guest-fsfreeze-status")), "status is not thawed after thaw");
    }

    /** Thaws through the agent, else through the control shell; never throws (the case already fails). */
    static void thawQuietly(Session s) {
        try {
            s.call("guest-fsfreeze-thaw", null);
        } catch (IOException | RuntimeException e) {
            // Last resort through the control shell (fsfreeze is a busybox applet).
            try {
                s.shell().run("fsfreeze --unfreeze /mnt/ext4; fsfreeze --unfreeze /mnt/xfs", Duration.ofSeconds(30));
            } catch (IOException ignored) {
                // the case already fails
            }
        }
    }
}
