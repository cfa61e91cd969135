// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e.azure;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A {@code .kvp_pool_N} file read on the host from the guest's bytes: 2560-byte records, a
 * 512-byte key and a 2048-byte value, each NUL-terminated (hyperv-abi.md B.6). Independent of the
 * kvp module.
 */
final class KvpPool {
    record Rec(String key, String value) {}

    private KvpPool() {}

    /** The records of the file whose base64 is {@code b64}; a length not a multiple of 2560 is an error. */
    static List<Rec> parse(String b64) {
        byte[] b = Base64.getMimeDecoder().decode(b64);
        if (b.length % 2560 != 0) {
            throw new IllegalArgumentException(".kvp_pool_1 is " + b.length + " bytes, not whole 2560-byte records");
        }
        List<Rec> out = new ArrayList<>();
        for (int off = 0; off < b.length; off += 2560) {
            out.add(new Rec(cstr(b, off, 512), cstr(b, off + 512, 2048)));
        }
        return out;
    }

    private static String cstr(byte[] b, int off, int len) {
        int n = 0;
        while (n < len && b[off + n] != 0) {
            n++;
        }
        return new String(b, off, n, StandardCharsets.UTF_8);
    }
}
