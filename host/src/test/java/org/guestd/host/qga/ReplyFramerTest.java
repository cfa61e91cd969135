// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.qga;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplyFramerTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<ReplyFramer.Frame> feedBytewise(ReplyFramer f, String input) throws Exception {
        List<ReplyFramer.Frame> out = new ArrayList<>();
        byte[] in = b(input);
        for (int i = 0; i < in.length; i++) {
            f.append(in, i, 1);
            ReplyFramer.Frame fr;
            while ((fr = f.next()) != null) {
                out.add(fr);
            }
        }
        return out;
    }

    @Test
    void framesOneByteAtATime() throws Exception {
        ReplyFramer f = new ReplyFramer();
        List<ReplyFramer.Frame> frames = feedBytewise(f,
                "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, stray '\\uFFFD'\"}}\n"
                + "\u00ff{\"return\": 123456789}\n  {\"return\": \"}\\\\\"}\n");
        assertEquals(3, frames.size());
        assertFalse(frames.get(0).delimited());
        assertTrue(frames.get(1).delimited());
        assertEquals("{\"return\": 123456789}", frames.get(1).text());
        assertFalse(frames.get(2).delimited());
        assertEquals("{\"return\": \"}\\\\\"}", frames.get(2).text());
        assertFalse(f.hasPartial());
    }

    @Test
    void garbageRunsToTheEndOfTheLine() throws Exception {
        ReplyFramer f = new ReplyFramer();
        List<ReplyFramer.Frame> frames = feedBytewise(f, "oops {\r\n{\"return\": 1}");
        assertEquals(2, frames.size());
        assertFalse(frames.get(0).object());
        assertEquals("oops {", frames.get(0).text());
        assertTrue(frames.get(1).object());
    }

    @Test
    void skipToSentinelDiscardsEverythingBeforeIt() throws Exception {
        ReplyFramer f = new ReplyFramer();
        byte[] in = b("{\"error\": {}}\n{\"ret");
        f.append(in, 0, in.length);
        assertFalse(f.skipToSentinel());
        in = b("urn\": 1}\n\u00ff{\"return\": 7}\n");
        f.append(in, 0, in.length);
        assertTrue(f.skipToSentinel());
        ReplyFramer.Frame fr = f.next();
        assertEquals("{\"return\": 7}", fr.text());
        assertTrue(fr.delimited());
        assertNull(f.next());
    }

    @Test
    void drainReturnsBufferedBytesIncludingAConsumedSentinel() throws Exception {
        ReplyFramer f = new ReplyFramer();
        byte[] in = b("\u00ff{\"return\": 1");
        f.append(in, 0, in.length);
        assertNull(f.next());
        assertTrue(f.hasPartial());
        assertArrayEquals(in, f.drain());
        assertFalse(f.hasPartial());
        in = b("\n\u00ff");
        f.append(in, 0, in.length);
        assertNull(f.next());
        assertArrayEquals(in, f.drain());
        // The line end of a reply already returned belongs to that reply, not to what follows.
        in = b("{\"return\": 1}");
        f.append(in, 0, in.length);
        assertEquals("{\"return\": 1}", f.next().text());
        in = b("\n \u00ff");
        f.append(in, 0, in.length);
        assertNull(f.next());
        assertArrayEquals(b(" \u00ff"), f.drain());
    }

    @Test
    void largeReplyInSmallChunksKeepsEveryByte() throws Exception {
        ReplyFramer f = new ReplyFramer();
        String big = "x".repeat(3_000_000);
        byte[] in = b("{\"return\": {\"buf-b64\": \"" + big + "\", \"count\": 1}}\n{\"return\": 2}\n");
        List<ReplyFramer.Frame> frames = new ArrayList<>();
        for (int i = 0; i < in.length; i += 4096) {
            f.append(in, i, Math.min(4096, in.length - i));
            ReplyFramer.Frame fr;
            while ((fr = f.next()) != null) {
                frames.add(fr);
            }
        }
        assertEquals(2, frames.size());
        assertEquals(in.length - 1 - "{\"return\": 2}\n".length(), frames.get(0).bytes().length);
    }
}
