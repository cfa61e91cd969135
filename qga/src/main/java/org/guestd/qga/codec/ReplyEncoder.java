// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.codec;

import java.nio.charset.StandardCharsets;
import org.guestd.core.json.Json;

/**
 * qemu-ga's {@code send_response}: the reply serialised on one line ({@link Json#write}, objects in
 * {@link QDictOrder}), terminated by {@code \n}, and prefixed by the 0xFF sentinel byte when it
 * answers guest-sync-delimited.
 */
public final class ReplyEncoder {
    /** QGA_SENTINEL_BYTE. */
    public static final byte SENTINEL = (byte) 0xFF;

    private ReplyEncoder() {}

    /** The bytes to send for {@code reply}. */
    public static byte[] encode(Object reply, boolean delimited) {
        // Json.write escapes everything outside 0x20..0x7E, so the text is plain ASCII.
        byte[] text = Json.write(QDictOrder.reorder(reply)).getBytes(StandardCharsets.US_ASCII);
        int pre = delimited ? 1 : 0;
        byte[] out = new byte[pre + text.length + 1];
        if (delimited) {
            out[0] = SENTINEL;
        }
        System.arraycopy(text, 0, out, pre, text.length);
        out[out.length - 1] = '\n';
        return out;
    }
}
