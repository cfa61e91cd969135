// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.tz;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Writes small synthetic TZif files (RFC 8536) for edge cases real zones do not have. */
final class TzifBuilder {
    private record T(long time, int type) {}

    private record Ty(int offset, boolean dst, String abbrev) {}

    private final List<T> transitions = new ArrayList<>();
    private final List<Ty> types = new ArrayList<>();
    private String footer = "";

    TzifBuilder type(int offset, boolean dst, String abbrev) {
        types.add(new Ty(offset, dst, abbrev));
        return this;
    }

    TzifBuilder at(long time, int type) {
        transitions.add(new T(time, type));
        return this;
    }

    TzifBuilder footer(String tz) {
        footer = tz;
        return this;
    }

    /** Version 1: one 32-bit block, no footer. */
    byte[] v1() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        block(out, '\0', 4);
        return out.toByteArray();
    }

    /** Version 2 (or 3): a 32-bit block, a 64-bit block and the footer. */
    byte[] v2(char version) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        block(out, version, 4);
        block(out, version, 8);
        out.writeBytes(("\n" + footer + "\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private void block(ByteArrayOutputStream out, char version, int timeSize) {
        ByteArrayOutputStream chars = new ByteArrayOutputStream();
        int[] abbrInd = new int[types.size()];
        for (int i = 0; i < types.size(); i++) {
            abbrInd[i] = chars.size();
            chars.writeBytes(types.get(i).abbrev().getBytes(StandardCharsets.US_ASCII));
            chars.write(0);
        }
        ByteBuffer h = ByteBuffer.allocate(44);
        h.put("TZif".getBytes(StandardCharsets.US_ASCII)).put((byte) version).put(new byte[15]);
        h.putInt(0).putInt(0).putInt(0).putInt(transitions.size()).putInt(types.size()).putInt(chars.size());
        out.writeBytes(h.array());
        ByteBuffer b = ByteBuffer.allocate(transitions.size() * (timeSize + 1) + types.size() * 6);
        for (T t : transitions) {
            if (timeSize == 8) {
                b.putLong(t.time());
            } else {
                b.putInt((int) t.time());
            }
        }
        for (T t : transitions) {
            b.put((byte) t.type());
        }
        for (int i = 0; i < types.size(); i++) {
            b.putInt(types.get(i).offset()).put((byte) (types.get(i).dst() ? 1 : 0)).put((byte) abbrInd[i]);
        }
        out.writeBytes(b.array());
        out.writeBytes(chars.toByteArray());
    }
}
