// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** guestd's one errno table and the predicates callers use instead of numbers. */
class ErrnoTest {
    @TempDir
    Path tmp;

    @Test
    void namesAndTextsAndUnknownValues() {
        assertEquals("ENOENT", Errno.name(2));
        assertEquals("No such file or directory", Errno.text(2));
        assertEquals("EOPNOTSUPP", Errno.name(95));
        assertEquals("errno 999", Errno.name(999));
        assertEquals("Unknown error 999", Errno.text(999));
    }

    @Test
    void everyTextIsGlibcsStrerrorByteForByte() {
        // the texts qemu-ga, GLib and the Hyper-V daemons print come from glibc's strerror
        for (int errno : Errno.known()) {
            assertEquals(CStream.strerror(errno), Errno.text(errno), Errno.name(errno));
        }
    }

    @Test
    void theTextsCallersProducedBeforeAreUnchanged() {
        // guestinfo's former table, memory's former table, freeze's and the qemu-ga hook's literals
        assertEquals(List.of("No such file or directory", "Permission denied", "Not a directory",
                "Too many levels of symbolic links", "Directory not empty", "Operation not permitted",
                "Input/output error", "No such device or address", "Resource temporarily unavailable",
                "Cannot allocate memory", "Device or resource busy", "File exists", "No such device",
                "Is a directory", "Invalid argument", "No space left on device", "Read-only file system",
                "Numerical result out of range", "Function not implemented", "Operation not supported",
                "Connection timed out"),
                List.of(2, 13, 20, 40, 39, 1, 5, 6, 11, 12, 16, 17, 19, 21, 22, 28, 30, 34, 38, 95, 110).stream()
                        .map(Errno::text).toList());
    }

    @Test
    void javaExceptionsToErrnoAndText() {
        assertEquals(2, Errno.of(new NoSuchFileException("/x")));
        assertEquals(13, Errno.of(new AccessDeniedException("/x")));
        assertEquals(20, Errno.of(new NotDirectoryException("/x")));
        assertEquals(17, Errno.of(new FileAlreadyExistsException("/x")));
        assertEquals(16, Errno.of(new FileSystemException("/x", null, "Device or resource busy")));
        assertEquals(5, Errno.of(new FileSystemException("/x", null, "something the table does not know")));
        assertEquals(22, Errno.of(new IOException("Invalid argument")));
        assertEquals("Permission denied", Errno.describe(new AccessDeniedException("/x")));
        assertEquals("Device or resource busy", Errno.describe(new FileSystemException("/x", null,
                "Device or resource busy")));
        assertEquals("something else", Errno.describe(new FileSystemException("/x", null, "something else")),
                "a reason the table does not know is kept as the JDK gave it");
        assertEquals("IOException", Errno.describe(new IOException()));
        assertEquals("open(\"/x\"): No such file or directory", Errno.message("open(\"/x\")",
                new NoSuchFileException("/x")));
    }

    @Test
    void whatTheJdkReallyThrows() throws Exception {
        Path file = Files.writeString(tmp.resolve("f"), "x");
        IOException missing = assertThrows(IOException.class, () -> Files.readAllBytes(tmp.resolve("missing")));
        assertEquals("No such file or directory", Errno.describe(missing));
        IOException notDir = assertThrows(IOException.class, () -> Files.newDirectoryStream(file).close());
        assertEquals(20, Errno.of(notDir));
        IOException isDir = assertThrows(IOException.class, () -> Files.readAllBytes(tmp));
        assertEquals("Is a directory", Errno.describe(isDir));
        assertEquals(21, Errno.of(isDir));
    }

    @Test
    void nativeExceptionMessageAndPredicates() {
        NativeException e = new NativeException("open(/dev/vport0p1)", 2);
        assertEquals("open(/dev/vport0p1) failed: ENOENT (No such file or directory)", e.getMessage());
        assertEquals("ENOENT", e.errnoName());
        assertEquals("No such file or directory", e.errnoText());
        List<Predicate<NativeException>> all = List.of(NativeException::isNotFound, NativeException::isBusy,
                NativeException::isInvalidArgument, NativeException::isNotSupported,
                NativeException::isInappropriateIoctl, NativeException::isWouldBlock,
                NativeException::isAlreadyExists, NativeException::isExecFormatError);
        int[] errnos = {2, 16, 22, 95, 25, 11, 17, 8};
        for (int i = 0; i < errnos.length; i++) {
            NativeException x = new NativeException("call", errnos[i]);
            for (int j = 0; j < all.size(); j++) {
                assertEquals(i == j, all.get(j).test(x), Errno.name(errnos[i]) + " predicate " + j);
            }
        }
        assertTrue(new NativeException("call", 1).isPermissionDenied());
        assertTrue(new NativeException("call", 13).isPermissionDenied());
        assertFalse(new NativeException("call", 2).isPermissionDenied());
        assertTrue(new CStream.SeekResult(29, -1, false).isIllegalSeek());
        assertFalse(new CStream.SeekResult(0, 0, false).isIllegalSeek());
    }
}
