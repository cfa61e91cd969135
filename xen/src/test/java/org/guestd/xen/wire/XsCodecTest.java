// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class XsCodecTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void headerIsLittleEndianTypeReqTxLen() {
        ByteBuffer b = XsMessage.of(XsType.WRITE, 0x01020304, 7, bytes("a\0b")).encode();
        byte[] wire = new byte[b.remaining()];
        b.get(wire);
        assertArrayEquals(new byte[] {11, 0, 0, 0, 4, 3, 2, 1, 7, 0, 0, 0, 3, 0, 0, 0, 'a', 0, 'b'}, wire);
    }

    @Test
    void splitFramesAnywhere() {
        byte[] a = XsMessage.of(XsType.READ, 1, 0, bytes("value")).encode().array();
        byte[] b = XsMessage.of(XsType.WATCH_EVENT, 0, 0, bytes("data\0tok\0")).encode().array();
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        for (int split = 1; split < all.length; split++) {
            XsDecoder d = new XsDecoder();
            List<XsMessage> out = new ArrayList<>();
            d.feed(ByteBuffer.wrap(all, 0, split), out::add);
            d.feed(ByteBuffer.wrap(all, split, all.length - split), out::add);
            assertEquals(2, out.size(), "split at " + split);
            assertEquals("value", new String(out.get(0).payload(), StandardCharsets.UTF_8));
            assertEquals(List.of("data", "tok"), out.get(1).strings());
            assertTrue(!d.midMessage());
        }
    }

    @Test
    void mergedFramesInOneRead() {
        ByteBuffer all = ByteBuffer.allocate(1024);
        for (int i = 1; i <= 5; i++) {
            all.put(XsMessage.of(XsType.READ, i, 0, bytes("v" + i)).encode());
        }
        all.put(XsMessage.of(XsType.ERROR, 6, 0, bytes("ENOENT\0")).encode());
        all.flip();
        List<XsMessage> out = new ArrayList<>();
        new XsDecoder().feed(all, out::add);
        assertEquals(6, out.size());
        assertEquals(5, out.get(4).reqId());
        assertEquals("ENOENT", out.get(5).firstString());
    }

    @Test
    void emptyAndMaximalPayloads() {
        ByteBuffer all = ByteBuffer.allocate(2 * 4200);
        all.put(XsMessage.of(XsType.READ, 1, 0, new byte[0]).encode());
        all.put(XsMessage.of(XsType.READ, 2, 0, new byte[XsMessage.PAYLOAD_MAX]).encode());
        all.flip();
        List<XsMessage> out = new ArrayList<>();
        new XsDecoder().feed(all, out::add);
        assertEquals(0, out.get(0).payload().length);
        assertEquals(4096, out.get(1).payload().length);
    }

    @Test
    void oversizedLengthIsGarbageAndTheStreamRefusedUntilReset() {
        byte[] bad = XsMessage.of(XsType.READ, 1, 0, new byte[0]).encode().array();
        bad[12] = 1;
        bad[13] = 0x10; // 4097
        XsDecoder d = new XsDecoder();
        List<XsMessage> out = new ArrayList<>();
        assertThrows(XsFramingException.class, () -> d.feed(ByteBuffer.wrap(bad), out::add));
        assertThrows(XsFramingException.class, () -> d.feed(ByteBuffer.wrap(new byte[1]), out::add));
        d.reset();
        d.feed(XsMessage.of(XsType.READ, 2, 0, bytes("ok")).encode(), out::add);
        assertEquals(1, out.size());
        byte[] negative = XsMessage.of(XsType.READ, 1, 0, new byte[0]).encode().array();
        negative[15] = (byte) 0x80;
        assertThrows(XsFramingException.class, () -> new XsDecoder().feed(ByteBuffer.wrap(negative), m -> { }));
    }

    @Test
    void randomGarbageNeverThrowsAnythingButFramingErrors() {
        Random r = new Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[r.nextInt(200)];
            r.nextBytes(junk);
            XsDecoder d = new XsDecoder();
            try {
                d.feed(ByteBuffer.wrap(junk), m -> { });
            } catch (XsFramingException expected) {
                // fine
            }
        }
    }

    @Test
    void unknownTypesAreKeptRaw() {
        List<XsMessage> out = new ArrayList<>();
        new XsDecoder().feed(new XsMessage(0x7777, 3, 0, new byte[0]).encode(), out::add);
        assertEquals(0x7777, out.get(0).type());
        assertNull(out.get(0).knownType());
        assertEquals(XsType.DIRECTORY_PART, XsType.of(22));
        assertNull(XsType.of(20), "XS_RESTRICT is gone in 4.17");
    }

    @Test
    void payloadStrings() {
        assertEquals(List.of("a", "b"), new XsMessage(0, 0, 0, bytes("a\0b\0")).strings());
        assertEquals(List.of("a", "b"), new XsMessage(0, 0, 0, bytes("a\0b")).strings());
        assertEquals(List.of("", "x"), new XsMessage(0, 0, 0, bytes("\0x\0")).strings());
        assertEquals(List.of(), new XsMessage(0, 0, 0, new byte[0]).strings());
    }

    @Test
    void errorNamesMapToTypedErrors() {
        for (String n : List.of("EINVAL", "EACCES", "EEXIST", "EISDIR", "ENOENT", "ENOMEM", "ENOSPC", "EIO",
                "ENOTEMPTY", "ENOSYS", "EROFS", "EBUSY", "EAGAIN", "EISCONN", "E2BIG", "EPERM")) {
            assertEquals(n, XsError.ofName(n).name());
        }
        assertEquals(XsError.UNKNOWN, XsError.ofName("DISCONNECTED"), "the client's own names never come from the wire");
        assertEquals(XsError.EACCES, XsError.ofErrno(13));
        assertEquals(XsError.E2BIG, XsError.ofErrno(7));
        assertEquals(XsError.UNKNOWN, XsError.ofErrno(84));
    }

    @Test
    void pathRules() {
        XsPaths.check("/");
        XsPaths.check("data/os_name");
        XsPaths.check("/local/domain/5/attr/vif/0/ipv4/0");
        XsPaths.check("a-b_c@d");
        XsPaths.checkWatch("@introduceDomain");
        for (String bad : List.of("", "a//b", "a/", "/a/", "a b", "a.b", "ä", "a\0b")) {
            assertEquals(XsError.EINVAL, assertThrows(XsException.class, () -> XsPaths.check(bad)).error(), bad);
        }
        XsPaths.check("/" + "a".repeat(3071));
        assertEquals(XsError.E2BIG, assertThrows(XsException.class, () -> XsPaths.check("/" + "a".repeat(3072))).error());
        XsPaths.check("a".repeat(2048));
        assertEquals(XsError.E2BIG, assertThrows(XsException.class, () -> XsPaths.check("a".repeat(2049))).error());
        assertThrows(XsException.class, () -> XsPaths.checkWatch("@a/b"));
    }
}
