// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Cuts a byte stream into the reads a device may deliver: sizes 1 to 4 or 1 to 64 from a generator
 * seeded by the input itself, so an input file always replays the same way (the fuzz targets of
 * the stream decoders: QGA JSON, xenstore frames).
 */
public final class Chunks {
    private Chunks() {}

    public static List<byte[]> of(byte[] data) {
        long seed = data.length;
        for (int i = 0; i < Math.min(data.length, 16); i++) {
            seed = seed * 31 + data[i];
        }
        SplittableRandom r = new SplittableRandom(seed);
        List<byte[]> out = new ArrayList<>();
        int at = 0;
        while (at < data.length) {
            int n = Math.min(data.length - at, 1 + r.nextInt(r.nextBoolean() ? 4 : 64));
            byte[] c = new byte[n];
            System.arraycopy(data, at, c, 0, n);
            out.add(c);
            at += n;
        }
        return out;
    }
}
