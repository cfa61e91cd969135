// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.guestd.core.testing.FixtureTree;
import org.guestd.guestinfo.GuestInfo.LoginUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UtmpTest {
    static final short BOOT_TIME = 2;
    static final short LOGIN_PROCESS = 6;
    static final short USER_PROCESS = 7;
    static final short DEAD_PROCESS = 8;

    @TempDir
    Path dir;

    /** A glibc x86-64 struct utmp. */
    static byte[] record(short type, int pid, String line, String user, String host, int sec, int usec) {
        ByteBuffer b = ByteBuffer.allocate(384).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, type);
        b.putInt(4, pid);
        put(b, 8, line, 32);
        put(b, 40, line.length() > 3 ? line.substring(line.length() - 4) : line, 4);
        put(b, 44, user, 32);
        put(b, 76, host, 256);
        b.putInt(336, pid); // ut_session
        b.putInt(340, sec);
        b.putInt(344, usec);
        return b.array();
    }

    private static void put(ByteBuffer b, int at, String s, int max) {
        byte[] v = s.getBytes(StandardCharsets.UTF_8);
        b.put(at, v, 0, Math.min(v.length, max));
    }

    static byte[] file(byte[]... records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] r : records) {
            out.writeBytes(r);
        }
        return out.toByteArray();
    }

    @Test
    void uniqueUsersWithEarliestLoginInFirstSeenOrder() {
        byte[] data = file(
                record(BOOT_TIME, 0, "~", "reboot", "6.1.0", 1700000000, 0),
                record(USER_PROCESS, 100, "pts/0", "alice", "192.0.2.1", 1700000500, 250000),
                record(USER_PROCESS, 101, "pts/1", "bob", "", 1700000100, 1),
                record(USER_PROCESS, 102, "pts/2", "alice", "192.0.2.9", 1700000400, 750000),
                record(DEAD_PROCESS, 103, "pts/3", "carol", "", 1600000000, 0),
                record(LOGIN_PROCESS, 104, "tty1", "LOGIN", "", 1600000000, 0));
        List<LoginUser> users = Utmp.parse(data);
        assertEquals(List.of(new LoginUser("alice", 1700000400.75), new LoginUser("bob", 1700000100.000001)), users);
        // the double is computed as qemu does: sec + usec / 1e6
        assertEquals(1700000100.0 + 1.0 / 1000000, users.get(1).loginTime());
    }

    @Test
    void truncatedTrailingRecordIsIgnored() {
        byte[] whole = file(record(USER_PROCESS, 1, "pts/0", "root", "", 1700000000, 0),
                record(USER_PROCESS, 2, "pts/1", "late", "", 1700000001, 0));
        byte[] cut = Arrays.copyOf(whole, whole.length - 100);
        assertEquals(List.of(new LoginUser("root", 1700000000.0)), Utmp.parse(cut));
    }

    @Test
    void fullLengthUserNameRunsIntoTheHostField() {
        String name = "u".repeat(32);
        byte[] data = file(record(USER_PROCESS, 1, "pts/0", name, "host.example", 5, 0));
        assertEquals(name + "host.example", Utmp.parse(data).get(0).user());
    }

    @Test
    void fileFromRunRootAndMissingFile() {
        FixtureTree t = new FixtureTree(dir);
        Utmp u = new Utmp(t.paths().run("utmp"));
        assertEquals(List.of(), u.collect()); // transcript 16: []
        t.bytes("run/utmp", file(record(USER_PROCESS, 1, "tty1", "root", "", 1700000000, 5)));
        assertEquals(List.of(new LoginUser("root", 1700000000.000005)), u.collect());
    }
}
