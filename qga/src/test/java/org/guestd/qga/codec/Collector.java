// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test listener: records values and errors in order; "E:" + desc for errors. */
final class Collector implements JsonStreamer.Listener {
    final List<Object> events = new ArrayList<>();
    final JsonStreamer streamer = new JsonStreamer(this);

    @Override
    public void onValue(Object value) {
        events.add(value);
    }

    @Override
    public void onError(String desc) {
        events.add("E:" + desc);
    }

    Collector feed(byte[] b) {
        streamer.feed(ByteBuffer.wrap(b));
        return this;
    }

    Collector feed(String s) {
        return feed(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Feeds raw bytes given as ints (for bytes above 0x7F). */
    Collector feedBytes(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return feed(b);
    }

    static List<Object> parse(String s) {
        return new Collector().feed(s).events;
    }
}
