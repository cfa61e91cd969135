// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.azure;

import java.time.Duration;

/**
 * A scripted misbehaviour of one emulated endpoint, used for one request (then the next scripted
 * fault, then normal answers).
 */
public sealed interface Fault {
    /** Answers with this status and a short body. */
    record Status(int code) implements Fault {}

    /** Never answers: holds the connection open until the client gives up (or {@code max} passes). */
    record Hang(Duration max) implements Fault {}

    /** Answers normally after {@code delay}. */
    record Slow(Duration delay) implements Fault {}

    /** Answers 200 with a body that is not valid for the endpoint (cut-off JSON or XML). */
    record Malformed() implements Fault {}

    /** Answers 200 with a chunked body of {@code bytes} bytes that never ends early. */
    record Huge(long bytes) implements Fault {}

    /** Closes the connection without an answer. */
    record Drop() implements Fault {}

    static Fault status(int code) {
        return new Status(code);
    }
}
