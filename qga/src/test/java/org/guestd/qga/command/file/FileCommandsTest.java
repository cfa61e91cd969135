// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.guestd.core.env.HostPaths;
import org.guestd.core.testing.FakeClock;
import org.guestd.core.testing.FakeCommandRunner;
import org.guestd.qga.QgaFeatures;
import org.guestd.qga.testing.FakeGuestInfo;
import org.guestd.qga.testing.Qga;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCommandsTest {
    @TempDir
    Path dir;
    Path state;
    Qga qga;

    @BeforeEach
    void setUp() throws Exception {
        state = Files.createDirectories(dir.resolve("state"));
        qga = new Qga(state, HostPaths.under(dir), new FakeCommandRunner());
    }

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    private long open(String name, String mode) {
        return (Long) qga.ok("{\"execute\":\"guest-file-open\",\"arguments\":{\"path\":\"" + file(name)
                + "\",\"mode\":\"" + mode + "\"}}");
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void transcript27aSequence() throws Exception {
        long h = open("t.txt", "w+");
        assertEquals(1000, h);
        assertEquals("[global]\nfd_counter=1001\n", Files.readString(state.resolve("qga.state")));
        String hs = "{\"handle\": " + h;
        assertEquals("{\"return\": {\"count\": 13, \"eof\": false}}", qga.raw(
                "{\"execute\":\"guest-file-write\",\"arguments\":" + hs + ",\"buf-b64\":\"SGVsbG8gV29ybGQhCg==\"}}"));
        assertEquals("{\"return\": {\"count\": 0, \"buf-b64\": \"\", \"eof\": true}}",
                qga.raw("{\"execute\":\"guest-file-read\",\"arguments\":" + hs + "}}"));
        assertEquals("{\"return\": {\"eof\": false, \"position\": 0}}", qga.raw(
                "{\"execute\":\"guest-file-seek\",\"arguments\":" + hs + ",\"offset\":0,\"whence\":\"set\"}}"));
        assertEquals("{\"return\": {\"count\": 13, \"buf-b64\": \"SGVsbG8gV29ybGQhCg==\", \"eof\": true}}",
                qga.raw("{\"execute\":\"guest-file-read\",\"arguments\":" + hs + "}}"));
        assertEquals("{\"return\": {\"eof\": false, \"position\": 6}}", qga.raw(
                "{\"execute\":\"guest-file-seek\",\"arguments\":" + hs + ",\"offset\":6,\"whence\":0}}"));
        assertEquals("{\"return\": {\"count\": 3, \"buf-b64\": \"V29y\", \"eof\": false}}",
                qga.raw("{\"execute\":\"guest-file-read\",\"arguments\":" + hs + ",\"count\":3}}"));
        assertEquals("{\"return\": {\"eof\": false, \"position\": 9}}", qga.raw(
                "{\"execute\":\"guest-file-seek\",\"arguments\":" + hs + ",\"offset\":0,\"whence\":\"cur\"}}"));
        assertEquals("{\"return\": {\"eof\": false, \"position\": 12}}", qga.raw(
                "{\"execute\":\"guest-file-seek\",\"arguments\":" + hs + ",\"offset\":-1,\"whence\":\"end\"}}"));
        assertEquals("{\"return\": {\"count\": 2, \"eof\": false}}", qga.raw(
                "{\"execute\":\"guest-file-write\",\"arguments\":" + hs + ",\"buf-b64\":\"WFla\",\"count\":2}}"));
        assertEquals("{\"return\": {}}", qga.raw("{\"execute\":\"guest-file-flush\",\"arguments\":" + hs + "}}"));
        assertEquals("{\"return\": {}}", qga.raw("{\"execute\":\"guest-file-close\",\"arguments\":" + hs + "}}"));
        assertEquals("{\"error\": {\"class\": \"GenericError\", \"desc\": \"handle '1000' has not been found\"}}",
                qga.raw("{\"execute\":\"guest-file-close\",\"arguments\":" + hs + "}}"));
        assertEquals("Hello World!XY", Files.readString(dir.resolve("t.txt")));
    }

    @Test
    void transcript27bErrors() throws Exception {
        Files.writeString(dir.resolve("r.txt"), "Hello World!\n");
        long h = (Long) qga.ok("{\"execute\":\"guest-file-open\",\"arguments\":{\"path\":\"" + file("r.txt") + "\"}}");
        String hs = "{\"handle\": " + h;
        assertEquals("value '100000000' is invalid for argument count",
                qga.error("{\"execute\":\"guest-file-read\",\"arguments\":" + hs + ",\"count\":100000000}}"));
        assertEquals("value '-1' is invalid for argument count",
                qga.error("{\"execute\":\"guest-file-read\",\"arguments\":" + hs + ",\"count\":-1}}"));
        assertEquals("failed to write to file: Bad file descriptor", qga.error(
                "{\"execute\":\"guest-file-write\",\"arguments\":" + hs + ",\"buf-b64\":\"SGVsbG8gV29ybGQhCg==\"}}"));
        assertEquals("invalid whence code 7", qga.error(
                "{\"execute\":\"guest-file-seek\",\"arguments\":" + hs + ",\"offset\":0,\"whence\":7}}"));
        assertEquals("value '999' is invalid for argument count", qga.error("{\"execute\":\"guest-file-write\","
                + "\"arguments\":" + hs + ",\"buf-b64\":\"SGVsbG8gV29ybGQhCg==\",\"count\":999}}"));
        qga.ok("{\"execute\":\"guest-file-close\",\"arguments\":" + hs + "}}");
        assertEquals("failed to open file '/nonexistent/dir/file' (mode: 'r'): No such file or directory",
                qga.error("{\"execute\":\"guest-file-open\",\"arguments\":{\"path\":\"/nonexistent/dir/file\"}}"));
        assertEquals("invalid file open mode 'rw'", qga.error("{\"execute\":\"guest-file-open\",\"arguments\":"
                + "{\"path\":\"" + file("r.txt") + "\",\"mode\":\"rw\"}}"));
        assertEquals("handle '123456' has not been found",
                qga.error("{\"execute\":\"guest-file-read\",\"arguments\":{\"handle\":123456}}"));
        assertEquals("Parameter 'whence' does not accept value 'middle'", qga.error(
                "{\"execute\":\"guest-file-seek\",\"arguments\":{\"handle\":1,\"offset\":0,\"whence\":\"middle\"}}"));
        assertEquals("Invalid parameter type for 'whence', expected: GuestFileWhence", qga.error(
                "{\"execute\":\"guest-file-seek\",\"arguments\":{\"handle\":1,\"offset\":0,\"whence\":true}}"));
        assertEquals("Base64 data contains invalid characters", qga.error(
                "{\"execute\":\"guest-file-write\",\"arguments\":{\"handle\":" + open("w.txt", "w") + ",\"buf-b64\":\"*\"}}"));
    }

    @Test
    void testQgaFileOpsWithNulAndPartialRead() throws Exception {
        // tests/unit/test-qga.c /qga/file-ops: 14 bytes including the NUL
        long h = open("foo", "w+");
        String payload = "Hello World!\n\0";
        Map<?, ?> w = (Map<?, ?>) qga.ok("{\"execute\":\"guest-file-write\",\"arguments\":{\"handle\":" + h
                + ",\"buf-b64\":\"" + b64(payload) + "\"}}");
        assertEquals(14L, w.get("count"));
        qga.ok("{\"execute\":\"guest-file-flush\",\"arguments\":{\"handle\":" + h + "}}");
        qga.ok("{\"execute\":\"guest-file-close\",\"arguments\":{\"handle\":" + h + "}}");
        assertArrayEquals(payload.getBytes(StandardCharsets.ISO_8859_1), Files.readAllBytes(dir.resolve("foo")));
        h = open("foo", "r");
        Map<?, ?> r = (Map<?, ?>) qga.ok("{\"execute\":\"guest-file-read\",\"arguments\":{\"handle\":" + h + "}}");
        assertEquals(14L, r.get("count"));
        assertEquals(true, r.get("eof"));
        assertEquals(b64(payload), r.get("buf-b64"));
        qga.ok("{\"execute\":\"guest-file-seek\",\"arguments\":{\"handle\":" + h + ",\"offset\":6,\"whence\":0}}");
        r = (Map<?, ?>) qga.ok("{\"execute\":\"guest-file-read\",\"arguments\":{\"handle\":" + h + "}}");
        assertEquals(8L, r.get("count"));
        assertEquals(b64("World!\n\0"), r.get("buf-b64"));
    }

    @Test
    void newFilesAre0666RegardlessOfUmaskAndHandlesPersist() throws Exception {
        long h = open("new", "a");
        assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("new"))));
        qga.ok("{\"execute\":\"guest-file-close\",\"arguments\":{\"handle\":" + h + "}}");
        // a restarted agent continues the counter from the state file
        Qga again = new Qga(state, HostPaths.under(dir), new FakeCommandRunner());
        long h2 = (Long) again.ok("{\"execute\":\"guest-file-open\",\"arguments\":{\"path\":\"" + file("new") + "\"}}");
        assertEquals(h + 1, h2);
        Files.writeString(state.resolve("qga.state"), "[global]\nfd_counter=77\n");
        Qga third = new Qga(state, HostPaths.under(dir), new FakeCommandRunner());
        assertEquals(77L, third.ok("{\"execute\":\"guest-file-open\",\"arguments\":{\"path\":\"" + file("new") + "\"}}"));
    }

    @Test
    void withoutTheFilesFeatureNotSupported() throws Exception {
        Qga none = new Qga(QgaFeatures.of(new FakeGuestInfo(), new FakeClock(0)));
        for (String request : new String[] {
                "{\"execute\":\"guest-file-open\",\"arguments\":{\"path\":\"/x\"}}",
                "{\"execute\":\"guest-file-read\",\"arguments\":{\"handle\":1000}}",
                "{\"execute\":\"guest-file-write\",\"arguments\":{\"handle\":1000,\"buf-b64\":\"\"}}",
                "{\"execute\":\"guest-file-seek\",\"arguments\":{\"handle\":1000,\"offset\":0,\"whence\":0}}",
                "{\"execute\":\"guest-file-flush\",\"arguments\":{\"handle\":1000}}",
                "{\"execute\":\"guest-file-close\",\"arguments\":{\"handle\":1000}}"}) {
            assertEquals("this feature or command is not currently supported", none.error(request), request);
        }
    }

    @Test
    void theHandleIsCheckedBeforeCountAndWhence() throws Exception {
        assertEquals("handle '5' has not been found",
                qga.error("{\"execute\":\"guest-file-read\",\"arguments\":{\"handle\":5,\"count\":-1}}"));
        assertEquals("handle '5' has not been found", qga.error(
                "{\"execute\":\"guest-file-seek\",\"arguments\":{\"handle\":5,\"offset\":0,\"whence\":7}}"));
        assertEquals("handle '5' has not been found", qga.error(
                "{\"execute\":\"guest-file-write\",\"arguments\":{\"handle\":5,\"buf-b64\":\"*\"}}"));
    }

    @Test
    void fifoReadDoesNotBlockTheAgent() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, p.waitFor());
        // O_NONBLOCK: opening and reading a FIFO with no writer returns at once
        long h = open("fifo", "r");
        Map<?, ?> r = (Map<?, ?>) qga.ok("{\"execute\":\"guest-file-read\",\"arguments\":{\"handle\":" + h + "}}");
        assertEquals(0L, r.get("count"));
        assertTrue((Boolean) r.get("eof"));
    }

    @Test
    void appendModeAndReadPlusWrite() throws Exception {
        Files.writeString(dir.resolve("a.txt"), "abc");
        long h = open("a.txt", "a+");
        qga.ok("{\"execute\":\"guest-file-write\",\"arguments\":{\"handle\":" + h + ",\"buf-b64\":\"" + b64("def") + "\"}}");
        qga.ok("{\"execute\":\"guest-file-seek\",\"arguments\":{\"handle\":" + h + ",\"offset\":0,\"whence\":0}}");
        Map<?, ?> r = (Map<?, ?>) qga.ok("{\"execute\":\"guest-file-read\",\"arguments\":{\"handle\":" + h
                + ",\"count\":2}}");
        assertEquals(b64("ab"), r.get("buf-b64"));
        // read -> write switches with an implicit fseek; in append mode the write still goes to the end
        qga.ok("{\"execute\":\"guest-file-write\",\"arguments\":{\"handle\":" + h + ",\"buf-b64\":\"" + b64("!") + "\"}}");
        qga.ok("{\"execute\":\"guest-file-close\",\"arguments\":{\"handle\":" + h + "}}");
        assertEquals("abcdef!", Files.readString(dir.resolve("a.txt")));
        assertEquals("failed to open file '" + dir + "' (mode: 'r+'): Is a directory",
                qga.error("{\"execute\":\"guest-file-open\",\"arguments\":{\"path\":\"" + dir + "\",\"mode\":\"r+\"}}"));
    }
}
