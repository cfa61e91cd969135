// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.dispatch;

import java.util.Map;
import org.guestd.qga.codec.ReplyEncoder;

/**
 * One reply object ({@code {"return": …}} or {@code {"error": …}}, plus {@code id} when the
 * request had one) and whether it goes out behind the 0xFF sentinel.
 */
public record Reply(Map<String, Object> body, boolean delimited) {
    /** The bytes qemu-ga would write for this reply. */
    public byte[] encode() {
        return ReplyEncoder.encode(body, delimited);
    }
}
