// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/** {@code getpwnam_r(3)}: a user's uid, gid and home directory through NSS, as glib looks them up. */
public final class Passwd {
    // struct passwd on LP64: name(8) passwd(8) uid(4) gid(4) gecos(8) dir(8) shell(8)
    private static final int STRUCT_SIZE = 48;
    private static final int ERANGE = 34;

    /** One passwd entry. */
    public record Entry(String name, int uid, int gid, String home) {}

    private Passwd() {}

    /**
     * Looks {@code name} up.
     *
     * @throws NativeException when there is no such user; its errno is getpwnam_r's result,
     *     {@code 0} when the user simply does not exist (glib then reports "Success")
     */
    public static Entry lookup(String name) throws NativeException {
        String call = "getpwnam_r(" + name + ")";
        LinuxNative.ensure(call);
        long size = 4096;
        while (true) {
            try (Memory pwd = new Memory(STRUCT_SIZE); Memory buf = new Memory(size); Memory result = new Memory(8)) {
                pwd.clear();
                result.clear();
                int rc = ProcLibc.getpwnam_r(name, pwd, buf, size, result);
                if (rc == ERANGE && size < (1 << 20)) {
                    size *= 4;
                    continue;
                }
                Pointer r = result.getPointer(0);
                if (rc != 0 || r == null) {
                    throw new NativeException(call, rc);
                }
                return new Entry(pwd.getPointer(0).getString(0), pwd.getInt(16), pwd.getInt(20),
                        pwd.getPointer(32).getString(0));
            }
        }
    }
}
