// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.json;

import java.util.Objects;

/**
 * A JSON value already encoded in qemu-ga's byte format, written verbatim by {@link Json#write}.
 * Lets a command cache a large reply value that rarely changes (guest-info's command list) instead
 * of building and encoding it for every request. The text must be one complete JSON value.
 */
public record JsonText(String text) {
    public JsonText {
        Objects.requireNonNull(text);
    }
}
