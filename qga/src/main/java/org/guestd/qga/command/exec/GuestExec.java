// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.guestd.core.AgentException;
import org.guestd.jna.linux.CStream;
import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.Spawn;
import org.guestd.qga.command.QBase64;
import org.guestd.qga.dispatch.ArgType;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;
import org.guestd.qga.dispatch.StructSpec;

/**
 * {@code guest-exec} (Since: 2.5): {@code {path: str, arg?: [str], env?: [str], input-data?: str,
 * capture-output?: GuestExecCaptureOutput}} → {@code {pid: int}}.
 *
 * <p>{@code capture-output} is a bool in qemu 7.2 ({@code true} = separated) and since 8.0 the
 * alternate GuestExecCaptureOutput of that bool and the enum GuestExecCaptureOutputMode {@code
 * none/stdout/stderr/separated/merged}; both are accepted, as current qemu does. The child is
 * started with posix_spawn (argv[0] = {@code path}, PATH searched as GLib does, the given {@code
 * env} or the agent's environment, the agent's cwd, default signal dispositions, descriptors above
 * 2 closed); stdin is a pipe only with {@code input-data}, else /dev/null; output not captured goes
 * to /dev/null.
 */
public final class GuestExec extends BaseCommand {
    public static final String NAME = "guest-exec";
    private static final int ENOEXEC = 8;
    static final ArgType CAPTURE_OUTPUT = ArgType.alternate("GuestExecCaptureOutput", ArgType.BOOL,
            ArgType.enumOf("GuestExecCaptureOutputMode", "none", "stdout", "stderr", "separated", "merged"));
    private static final StructSpec ARGS = StructSpec.builder()
            .required("path", ArgType.STR)
            .optional("arg", ArgType.listOf(ArgType.STR))
            .optional("env", ArgType.listOf(ArgType.STR))
            .optional("input-data", ArgType.STR)
            .optional("capture-output", CAPTURE_OUTPUT)
            .build();

    private final ExecTable table;

    GuestExec(ExecTable table) {
        super(NAME, ARGS);
        this.table = table;
    }

    /** {@code ga_parse_capture_output}: the mode a bool or enum value stands for. */
    static String captureMode(Object value) {
        if (value == null) {
            return "none";
        }
        if (value instanceof Boolean b) {
            return b ? "separated" : "none";
        }
        return (String) value;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        String path = args.getString("path");
        byte[] input = args.has("input-data") ? QBase64.decode(args.getString("input-data")) : null;
        List<String> argv = new ArrayList<>();
        argv.add(path);
        if (args.has("arg")) {
            argv.addAll(args.<String>getList("arg"));
        }
        List<String> env = args.has("env") ? args.<String>getList("env") : null;
        String mode = captureMode(args.get("capture-output"));
        boolean stdout = !mode.equals("none") && !mode.equals("stderr");
        Spawn.Stderr stderr = switch (mode) {
            case "separated" -> Spawn.Stderr.PIPE;
            case "stderr" -> Spawn.Stderr.PIPE;
            case "merged" -> Spawn.Stderr.TO_STDOUT;
            default -> Spawn.Stderr.NULL;
        };
        boolean hasOutput = !mode.equals("none");
        Spawn.Child child = spawn(path, argv, env, input != null, stdout, stderr);
        ExecProcess p = ExecProcess.watch(child, input, hasOutput);
        table.add(p);
        return Map.of("pid", (long) child.pid());
    }

    private static Spawn.Child spawn(String path, List<String> argv, List<String> env, boolean stdin, boolean stdout,
            Spawn.Stderr stderr) throws AgentException {
        List<String> envp = env != null ? env : agentEnvironment();
        PathSearch.Result found = PathSearch.resolve(path, env, System.getenv("PATH"));
        if (found.path() == null) {
            throw failedToExecute(path, found.errno());
        }
        try {
            return Spawn.spawn(found.path(), argv, envp, stdin, stdout, stderr);
        } catch (NativeException e) {
            if (e.errno() != ENOEXEC) {
                throw failedToExecute(path, e.errno());
            }
        }
        // GLib runs a file without a #! line with /bin/sh, as execvp does
        List<String> viaShell = new ArrayList<>();
        viaShell.add("/bin/sh");
        viaShell.add(found.path());
        viaShell.addAll(argv.subList(1, argv.size()));
        try {
            return Spawn.spawn("/bin/sh", viaShell, envp, stdin, stdout, stderr);
        } catch (NativeException e) {
            throw failedToExecute(path, e.errno());
        }
    }

    /** GLib's spawn error inside qemu's QERR_QGA_COMMAND_FAILED. */
    static AgentException failedToExecute(String path, int errno) {
        return AgentException.generic("Guest agent command failed, error was 'Failed to execute child process \u201C"
                + path + "\u201D (" + CStream.strerror(errno) + ")'");
    }

    private static List<String> agentEnvironment() {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : System.getenv().entrySet()) {
            out.add(e.getKey() + "=" + e.getValue());
        }
        return out;
    }
}
