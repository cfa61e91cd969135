// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.conformance;

import static org.guestd.host.conformance.CaseFailure.check;
import static org.guestd.host.conformance.CaseFailure.equal;
import static org.guestd.host.conformance.CaseFailure.error;
import static org.guestd.host.conformance.CaseFailure.first;
import static org.guestd.host.conformance.CaseFailure.noError;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.guestd.host.qga.QgaClient;
import org.guestd.host.qga.QgaReply;

/**
 * The test-qga.c cases that run on the shared fixture, except guest-exec (see {@link ExecCases}):
 * the same requests and the same assertions.
 */
final class SharedCases {
    private SharedCases() {}

    static void syncDelimited(SuiteContext c) throws Exception {
        QgaClient q = c.qga();
        long r = ThreadLocalRandom.current().nextLong(1L << 32);
        q.sendRaw(new byte[] {(byte) 0xFF});
        q.send("guest-sync-delimited", Map.of("id", r), null);
        // skip whatever comes before the 0xFF-prefixed reply (qemu-ga answers the 0xFF with a parse error)
        QgaReply reply = q.readReply();
        for (int i = 0; i < 4 && !reply.delimited(); i++) {
            reply = q.readReply();
        }
        check(reply.delimited(), "no 0xFF before the reply");
        noError(reply);
        equal(r, reply.returnLong(), "return");
    }

    static void sync(SuiteContext c) throws Exception {
        long r = ThreadLocalRandom.current().nextLong(1L << 32);
        equal(r, noError(c.qga().execute("guest-sync", Map.of("id", r))).returnLong(), "return");
    }

    static void ping(SuiteContext c) throws Exception {
        noError(c.qga().execute("guest-ping"));
    }

    static void info(SuiteContext c) throws Exception {
        Object version = noError(c.qga().execute("guest-info")).returnMap().get("version");
        if (c.expectedVersion != null) {
            equal(c.expectedVersion, version, "version");
        } else {
            check(version instanceof String s && !s.isEmpty(), "version is a non-empty string: " + version);
        }
    }

    static void networkGetInterfaces(SuiteContext c) throws Exception {
        check(first(noError(c.qga().execute("guest-network-get-interfaces"))).containsKey("name"), "first has name");
    }

    static void getVcpus(SuiteContext c) throws Exception {
        Map<?, ?> cpu = first(noError(c.qga().execute("guest-get-vcpus")));
        check(cpu.containsKey("online") && cpu.containsKey("logical-id"), "first has online and logical-id: " + cpu);
    }

    static void getFsinfo(SuiteContext c) throws Exception {
        QgaReply r = noError(c.qga().execute("guest-get-fsinfo"));
        if (!r.returnList().isEmpty()) {
            Map<?, ?> fs = first(r);
            for (String k : new String[] {"name", "mountpoint", "type", "disk"}) {
                check(fs.containsKey(k), "first filesystem has " + k);
            }
        }
    }

    static void getLoad(SuiteContext c) throws Exception {
        Map<String, Object> load = noError(c.qga().execute("guest-get-load")).returnMap();
        for (String k : new String[] {"load1m", "load5m", "load15m"}) {
            check(load.containsKey(k), "has " + k);
        }
    }

    static void getMemoryBlockInfo(SuiteContext c) throws Exception {
        QgaReply r = c.qga().execute("guest-get-memory-block-info");
        if (!r.isError()) {
            check(((Number) r.returnMap().get("size")).longValue() > 0, "size > 0");
        }
    }

    static void getMemoryBlocks(SuiteContext c) throws Exception {
        QgaReply r = c.qga().execute("guest-get-memory-blocks");
        if (!r.isError() && !r.returnList().isEmpty()) {
            Map<?, ?> b = first(r);
            check(b.containsKey("phys-index") && b.containsKey("online"), "first has phys-index and online");
        }
    }

    private static final byte[] HELLO = "Hello World!\n\0".getBytes(StandardCharsets.ISO_8859_1);
    private static final String HELLO_B64 = Base64.getEncoder().encodeToString(HELLO);

    private static Map<String, Object> file(SuiteContext c, String cmd, Map<String, ?> args) throws Exception {
        return noError(c.qga().execute(cmd, args)).returnMap();
    }

    /** Opens {@code foo} with mode w+ and writes {@link #HELLO} to it; returns the handle. */
    private static long openAndWriteHello(SuiteContext c) throws Exception {
        long id = noError(c.qga().execute("guest-file-open", Map.of("path", "foo", "mode", "w+"))).returnLong();
        Map<String, Object> w = file(c, "guest-file-write", Map.of("handle", id, "buf-b64", HELLO_B64));
        equal((long) HELLO.length, w.get("count"), "write count");
        equal(false, w.get("eof"), "write eof");
        return id;
    }

    static void fileOps(SuiteContext c) throws Exception {
        QgaClient q = c.qga();
        long id = openAndWriteHello(c);
        q.execute("guest-file-flush", Map.of("handle", id));
        q.execute("guest-file-close", Map.of("handle", id));
        byte[] onDisk = Files.readAllBytes(c.shared().dir.resolve("foo"));
        check(Arrays.equals(HELLO, onDisk), "file content");
        id = noError(q.execute("guest-file-open", Map.of("path", "foo", "mode", "r"))).returnLong();
        Map<String, Object> r = file(c, "guest-file-read", Map.of("handle", id));
        equal((long) HELLO.length, r.get("count"), "read count");
        equal(true, r.get("eof"), "read eof");
        equal(HELLO_B64, r.get("buf-b64"), "read data");
        r = file(c, "guest-file-read", Map.of("handle", id));
        equal(0L, r.get("count"), "read count at eof");
        equal(true, r.get("eof"), "eof at eof");
        equal("", r.get("buf-b64"), "data at eof");
        Map<String, Object> s = file(c, "guest-file-seek", Map.of("handle", id, "offset", 6, "whence", "set"));
        equal(6L, s.get("position"), "position");
        equal(false, s.get("eof"), "seek eof");
        r = file(c, "guest-file-read", Map.of("handle", id));
        equal((long) HELLO.length - 6, r.get("count"), "partial read count");
        equal(true, r.get("eof"), "partial read eof");
        check(Arrays.equals(Arrays.copyOfRange(HELLO, 6, HELLO.length),
                Base64.getDecoder().decode((String) r.get("buf-b64"))), "partial read data");
        q.execute("guest-file-close", Map.of("handle", id));
    }

    static void fileWriteRead(SuiteContext c) throws Exception {
        QgaClient q = c.qga();
        long id = openAndWriteHello(c);
        Map<String, Object> r = file(c, "guest-file-read", Map.of("handle", id));
        equal(0L, r.get("count"), "read after write (implicit flush) count");
        equal(true, r.get("eof"), "read after write eof");
        equal("", r.get("buf-b64"), "read after write data");
        Map<String, Object> s = file(c, "guest-file-seek", Map.of("handle", id, "offset", 0, "whence", "set"));
        equal(0L, s.get("position"), "position");
        equal(false, s.get("eof"), "seek eof");
        r = file(c, "guest-file-read", Map.of("handle", id));
        equal((long) HELLO.length, r.get("count"), "read count");
        equal(true, r.get("eof"), "read eof");
        equal(HELLO_B64, r.get("buf-b64"), "read data");
        q.execute("guest-file-close", Map.of("handle", id));
    }

    static void getTime(SuiteContext c) throws Exception {
        check(noError(c.qga().execute("guest-get-time")).returnLong() > 0, "time > 0");
    }

    static void id(SuiteContext c) throws Exception {
        QgaReply r = noError(c.qga().execute("guest-ping", null, 1));
        equal(1L, r.id(), "id");
    }

    static void invalidOob(SuiteContext c) throws Exception {
        c.qga().sendRaw("{\"exec-oob\": \"guest-ping\"}\n");
        error(c.qga().readReply(), "GenericError");
    }

    static void invalidCmd(SuiteContext c) throws Exception {
        QgaReply r = error(c.qga().execute("guest-invalid-cmd"), "CommandNotFound");
        check(r.errorDesc() != null && !r.errorDesc().isEmpty(), "desc not empty");
    }

    static void invalidArgs(SuiteContext c) throws Exception {
        QgaReply r = error(c.qga().execute("guest-ping", Map.of("foo", 42)), "GenericError");
        equal("Parameter 'foo' is unexpected", r.errorDesc(), "desc");
    }

    static void fsfreezeStatus(SuiteContext c) throws Exception {
        equal("thawed", noError(c.qga().execute("guest-fsfreeze-status")).returnString(), "status");
    }

    static void hostName(SuiteContext c) throws Exception {
        check(noError(c.qga().execute("guest-get-host-name")).returnMap().containsKey("host-name"), "has host-name");
    }

    static void timezone(SuiteContext c) throws Exception {
        check(noError(c.qga().execute("guest-get-timezone")).returnMap().containsKey("offset"), "has offset");
    }

    static void users(SuiteContext c) throws Exception {
        check(noError(c.qga().execute("guest-get-users")).returnValue() instanceof List, "return is a list");
    }

    /** test-qga registers /qga/get-vcpus only where cpu0 exists in sysfs. */
    static boolean hasCpu0() {
        return Files.isDirectory(Path.of("/sys/devices/system/cpu/cpu0"));
    }
}
