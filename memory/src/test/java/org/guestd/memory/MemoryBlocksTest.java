// SPDX-License-Identifier: Apache-2.0
package org.guestd.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.guestd.core.AgentException;
import org.guestd.core.testing.FixtureTree;
import org.guestd.memory.MemoryBlocks.Block;
import org.guestd.memory.MemoryBlocks.Request;
import org.guestd.memory.MemoryBlocks.Response;
import org.guestd.memory.MemoryBlocks.Result;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryBlocksTest {
    private static final String MEM = "sys/devices/system/memory/";

    @TempDir
    Path tmp;

    private FixtureTree tree;

    @BeforeEach
    void setUp() {
        tree = new FixtureTree(tmp);
    }

    private void block(int n, String state, String removable) {
        tree.mkdirs(MEM + "memory" + n);
        if (state != null) {
            tree.file(MEM + "memory" + n + "/state", state);
        }
        if (removable != null) {
            tree.file(MEM + "memory" + n + "/removable", removable);
        }
    }

    private MemoryBlocks blocks() {
        return new SysfsMemoryBlocks(tree.paths());
    }

    private String state(int n) throws Exception {
        return Files.readString(tmp.resolve(MEM + "memory" + n + "/state"));
    }

    @Test
    void listReadsStateAndRemovable() throws Exception {
        block(0, "online\n", "0\n");
        block(8, "offline\n", "1\n");
        block(32, "going-offline\n", "1\n");
        block(40, null, null); // an old kernel without state: online, cannot offline
        block(41, "online\n", null);
        tree.file(MEM + "block_size_bytes", "8000000\n");
        tree.file(MEM + "memory_notadir", "x");
        tree.mkdirs(MEM + "power");
        assertEquals(Set.of(new Block(0, true, false), new Block(8, false, true), new Block(32, false, true),
                new Block(40, true, false), new Block(41, true, false)), new HashSet<>(blocks().list()));
    }

    @Test
    void noMemoryDirectoryIsAnEmptyList() throws Exception {
        assertEquals(List.of(), blocks().list());
    }

    @Test
    void emptyMemoryDirectoryIsQemuGasError() {
        tree.mkdirs(MEM);
        AgentException e = assertThrows(AgentException.class, () -> blocks().list());
        assertEquals("guest reported zero memory blocks!", e.getMessage());
    }

    @Test
    void unreadableStateFailsTheListing() {
        block(1, "online\n", "1\n");
        tree.mkdirs(MEM + "memory2/state"); // a directory: pread gives EISDIR
        AgentException e = assertThrows(AgentException.class, () -> blocks().list());
        assertEquals("pread sysfs file \"state\": Is a directory", e.getMessage());
        tree.file(MEM + "memory3/state", "");
        Path st = tmp.resolve(MEM + "memory2/state");
        st.toFile().delete();
        tree.file(MEM + "memory2/state", "online\n");
        e = assertThrows(AgentException.class, () -> blocks().list());
        assertEquals("pread sysfs file \"state\": unexpected EOF", e.getMessage());
    }

    @Test
    void memoryDirectoryThatIsAFile() {
        tree.file("sys/devices/system/memory", "x");
        AgentException e = assertThrows(AgentException.class, () -> blocks().list());
        assertEquals("Can't open directory\"/sys/devices/system/memory/\": Not a directory", e.getMessage());
    }

    @Test
    void setChangesOnlyWhatDiffers() throws Exception {
        block(0, "online\n", "1\n");
        block(1, "offline\n", "1\n");
        block(2, "online\n", "1\n");
        List<Result> r = blocks().set(List.of(new Request(0, false), new Request(1, true), new Request(2, true)));
        assertEquals(List.of(new Result(0, Response.SUCCESS, null), new Result(1, Response.SUCCESS, null),
                new Result(2, Response.SUCCESS, null)), r);
        assertEquals("offline", state(0));
        // pwrite at offset 0 without truncation, as qemu-ga does (sysfs takes each write whole)
        assertEquals("onlinee\n", state(1));
        assertEquals("online\n", state(2), "already online: not written");
    }

    @Test
    void missingBlockIsNotFoundWithEnoent() {
        block(0, "online\n", "1\n");
        assertEquals(List.of(new Result(7, Response.NOT_FOUND, 2)), blocks().set(List.of(new Request(7, true))));
    }

    @Test
    void noMemoryDirectoryIsNotSupported() {
        assertEquals(List.of(new Result(3, Response.OPERATION_NOT_SUPPORTED, 2)),
                blocks().set(List.of(new Request(3, false))));
    }

    @Test
    void noStateFileCannotBeOfflinedAndOnliningKeepsTheErrno() {
        block(4, null, null);
        assertEquals(List.of(new Result(4, Response.OPERATION_NOT_SUPPORTED, 2), new Result(4, Response.SUCCESS, 2)),
                blocks().set(List.of(new Request(4, false), new Request(4, true))));
    }

    @Test
    void kernelRefusalIsOperationFailedWithItsErrno() {
        block(5, "online\n", "1\n");
        block(6, "online\n", "1\n");
        Sysfs busy = new Sysfs() {
            @Override
            void write(Path file, String value) throws SysfsException {
                if (file.toString().contains("memory5")) {
                    throw new SysfsException(SysfsException.Op.PWRITE, 16, "Device or resource busy", false);
                }
                super.write(file, value);
            }
        };
        List<Result> r = new SysfsMemoryBlocks(tree.paths(), busy)
                .set(List.of(new Request(5, false), new Request(6, false)));
        assertEquals(List.of(new Result(5, Response.OPERATION_FAILED, 16), new Result(6, Response.SUCCESS, null)), r);
    }

    @Test
    void unreadableStateIsOperationFailed() {
        tree.mkdirs(MEM + "memory9/state");
        assertEquals(List.of(new Result(9, Response.OPERATION_FAILED, 21)), blocks().set(List.of(new Request(9, true))));
        tree.mkdirs(MEM + "memory10");
        tree.file(MEM + "memory10/state", "");
        assertEquals(List.of(new Result(10, Response.OPERATION_FAILED, 0)), blocks().set(List.of(new Request(10, true))));
    }

    @Test
    void writingIntoADirectoryStateFailsWithEisdir() throws Exception {
        Sysfs readsOnline = new Sysfs() {
            @Override
            byte[] read(Path file, int max) {
                return "online".getBytes();
            }
        };
        tree.mkdirs(MEM + "memory11/state");
        assertEquals(List.of(new Result(11, Response.OPERATION_FAILED, 21)),
                new SysfsMemoryBlocks(tree.paths(), readsOnline).set(List.of(new Request(11, false))));
    }

    @Test
    void blockSizeIsHex() throws Exception {
        tree.file(MEM + "block_size_bytes", "8000000\n");
        assertEquals(134217728L, blocks().blockSizeBytes());
    }

    @Test
    void blockSizeErrors() {
        AgentException e = assertThrows(AgentException.class, () -> blocks().blockSizeBytes());
        assertEquals("open(\"/sys/devices/system/memory/\"): No such file or directory", e.getMessage());
        tree.mkdirs(MEM);
        e = assertThrows(AgentException.class, () -> blocks().blockSizeBytes());
        assertEquals("open sysfs file \"block_size_bytes\": No such file or directory", e.getMessage());
    }

    @Test
    void cParsers() {
        assertEquals(134217728L, SysfsMemoryBlocks.strtolHex("8000000\n"));
        assertEquals(16L, SysfsMemoryBlocks.strtolHex(" 0x10"));
        assertEquals(0L, SysfsMemoryBlocks.strtolHex("zz"));
        assertEquals(Long.MAX_VALUE, SysfsMemoryBlocks.strtolHex("fffffffffffffffffff"));
        assertEquals(57L, SysfsMemoryBlocks.strtoul("57"));
        assertEquals(0L, SysfsMemoryBlocks.strtoul("_tiers"));
        assertEquals(-1L, SysfsMemoryBlocks.strtoul("99999999999999999999999"));
    }
}
