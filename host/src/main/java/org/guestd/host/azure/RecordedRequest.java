// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.azure;

import java.util.Map;

/**
 * One request the emulator received.
 *
 * @param endpoint "imds" or "wire"
 * @param method the HTTP method
 * @param target path and query as sent
 * @param headers header names in lower case (first value)
 * @param body the request body
 * @param status the status answered (0: none — hung or dropped)
 * @param atNanos System.nanoTime() when it arrived
 */
public record RecordedRequest(String endpoint, String method, String target, Map<String, String> headers, byte[] body,
        int status, long atNanos) {}
