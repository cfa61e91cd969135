// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.conformance;

import static org.guestd.host.conformance.CaseFailure.check;
import static org.guestd.host.conformance.CaseFailure.equal;
import static org.guestd.host.conformance.CaseFailure.error;
import static org.guestd.host.conformance.CaseFailure.noError;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.guestd.host.qga.QgaReply;

/** test-qga.c's guest-exec cases on the shared fixture. */
final class ExecCases {
    private static final String SCRIPT =
            "for i in $(seq 4); do if (( $i % 2 )); then echo stdout; else echo stderr 1>&2; fi; done;";

    private ExecCases() {}

    /** {@code wait_for_guest_exec_completion}: polls guest-exec-status for up to 5 s. */
    static Map<String, Object> await(SuiteContext c, long pid) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            Map<String, Object> s = noError(c.qga().execute("guest-exec-status", Map.of("pid", pid))).returnMap();
            if (Boolean.TRUE.equals(s.get("exited"))) {
                return s;
            }
            check(System.nanoTime() < deadline, "not exited after 5 s");
            Thread.sleep(10);
        }
    }

    private static long exec(SuiteContext c, Map<String, Object> args) throws Exception {
        long pid = ((Number) noError(c.qga().execute("guest-exec", args)).returnMap().get("pid")).longValue();
        check(pid > 0, "pid > 0");
        return pid;
    }

    private static String decoded(Object b64) {
        return new String(Base64.getDecoder().decode((String) b64), StandardCharsets.UTF_8);
    }

    static void exec(SuiteContext c) throws Exception {
        long pid = exec(c, Map.of("path", "echo", "arg", List.of("-n", "\" test_str \""), "capture-output", true));
        Map<String, Object> s = await(c, pid);
        equal(0L, s.get("exitcode"), "exitcode");
        String out = decoded(s.get("out-data"));
        equal(12, out.length(), "out length");
        equal("\" test_str \"", out, "out");
    }

    static void execSeparated(SuiteContext c) throws Exception {
        long pid = exec(c, Map.of("path", "bash", "arg", List.of("-c", SCRIPT), "capture-output", "separated"));
        Map<String, Object> s = await(c, pid);
        equal(0L, s.get("exitcode"), "exitcode");
        equal("stdout\nstdout\n", decoded(s.get("out-data")), "out");
        equal("stderr\nstderr\n", decoded(s.get("err-data")), "err");
    }

    static void execMerged(SuiteContext c) throws Exception {
        long pid = exec(c, Map.of("path", "bash", "arg", List.of("-c", SCRIPT), "capture-output", "merged"));
        Map<String, Object> s = await(c, pid);
        equal(0L, s.get("exitcode"), "exitcode");
        equal("stdout\nstderr\nstdout\nstderr\n", decoded(s.get("out-data")), "out");
        check(!s.containsKey("err-data"), "no err-data");
    }

    static void execInvalid(SuiteContext c) throws Exception {
        QgaReply r = error(c.qga().execute("guest-exec", Map.of("path", "/bin/invalid-cmd42")), "GenericError");
        check(!r.errorDesc().isEmpty(), "desc not empty");
        r = error(c.qga().execute("guest-exec-status", Map.of("pid", 0)), "GenericError");
        check(!r.errorDesc().isEmpty(), "desc not empty");
    }
}
