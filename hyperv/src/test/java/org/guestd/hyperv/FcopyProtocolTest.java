// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.guestd.files.FileReceiver;
import org.guestd.host.hyperv.FcopyKernel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fcopy messages in, 4-byte statuses out, the file through the files feature's receiver. */
class FcopyProtocolTest {
    @TempDir
    Path root;

    private static int status(byte[] reply) {
        assertEquals(4, reply.length);
        return Wire.u32(reply, 0);
    }

    private FcopyProtocol registered() {
        FcopyProtocol p = new FcopyProtocol(new FileReceiver(root));
        assertEquals(FcopyProtocol.VERSION, Wire.u32(p.register(), 0));
        byte[] version = new byte[4];
        Wire.putU32(version, 0, 1);
        assertNull(p.handle(version), "the kernel's version answer needs no reply");
        return p;
    }

    @Test
    void theDeviceLostDuringACopyRemovesThePartialFile() {
        FcopyProtocol p = registered();
        String dir = root.toString();
        assertEquals(HvStatus.S_OK, status(p.handle(FcopyKernel.start("part", dir, 0, 10))));
        assertEquals(HvStatus.S_OK, status(p.handle(FcopyKernel.write(0, "12345".getBytes(StandardCharsets.UTF_8), 0, 5))));
        p.sessionEnded();
        assertFalse(Files.exists(root.resolve("part")));
        assertEquals(HvStatus.S_OK, status(p.handle(FcopyKernel.header(FcopyKernel.COMPLETE))),
                "nothing to complete: 0, as hv_fcopy_daemon (CharFcopyDifferentialIT)");
        assertEquals(HvStatus.S_OK, status(p.handle(FcopyKernel.header(FcopyKernel.CANCEL))), "cancel is always fine");
    }

    @Test
    void aStartWithoutCompleteKeepsTheEarlierFileAsTheReferenceDoes() throws Exception {
        FcopyProtocol p = registered();
        String dir = root.toString();
        assertEquals(HvStatus.S_OK, status(p.handle(FcopyKernel.start("first", dir, 0, 3))));
        assertEquals(HvStatus.S_OK, status(p.handle(FcopyKernel.write(0, "abc".getBytes(StandardCharsets.UTF_8), 0, 3))));
        assertEquals(HvStatus.S_OK, status(p.handle(FcopyKernel.start("second", dir, 0, 0))));
        assertEquals(HvStatus.S_OK, status(p.handle(FcopyKernel.header(FcopyKernel.COMPLETE))));
        assertEquals("abc", Files.readString(root.resolve("first")));
        assertEquals("", Files.readString(root.resolve("second")));
    }

    @Test
    void malformedMessagesFail() {
        FcopyProtocol p = registered();
        assertEquals(HvStatus.E_FAIL, status(p.handle(new byte[2])));
        assertEquals(HvStatus.E_FAIL, status(p.handle(FcopyKernel.header(9))), "unknown operation");
        byte[] shortStart = new byte[100]; // operation 0 = START, far shorter than 1088 bytes
        assertEquals(HvStatus.E_FAIL, status(p.handle(shortStart)));
        assertEquals(HvStatus.S_OK, status(p.handle(FcopyKernel.start("f", root.toString(), 0, 1))));
        byte[] oversized = FcopyKernel.write(0, new byte[8], 0, 8);
        Wire.putU32(oversized, FcopyProtocol.OFF_WRITE_SIZE, FcopyProtocol.DATA_FRAGMENT + 1);
        assertEquals(HvStatus.E_FAIL, status(p.handle(oversized)));
    }
}
