// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.guestd.memory.MemoryBlocks.Response;
import org.junit.jupiter.api.Test;

class MemoryWireTest {
    @Test
    void everyResponseHasItsQapiWord() {
        assertEquals(List.of("success", "not-found", "operation-not-supported", "operation-failed"),
                Arrays.stream(Response.values()).map(GuestSetMemoryBlocks::wire).toList());
    }
}
