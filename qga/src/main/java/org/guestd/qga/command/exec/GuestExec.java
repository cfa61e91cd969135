// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.exec;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.process.OutputMode;
import org.guestd.process.ProcessException;
import org.guestd.process.ProcessRunner;
import org.guestd.process.ProcessSpec;
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
 * none/stdout/stderr/separated/merged}; both are accepted, as current qemu does. {@code input-data}
 * is base64. The child is started by the process feature ({@link ProcessRunner}: posix_spawn, PATH
 * as GLib, the given {@code env} or the agent's); a start failure is GLib's text inside qemu's
 * QERR_QGA_COMMAND_FAILED.
 */
public final class GuestExec extends BaseCommand {
    public static final String NAME = "guest-exec";
    static final ArgType CAPTURE_OUTPUT = ArgType.alternate("GuestExecCaptureOutput", ArgType.BOOL,
            ArgType.enumOf("GuestExecCaptureOutputMode", "none", "stdout", "stderr", "separated", "merged"));
    private static final StructSpec ARGS = StructSpec.builder()
            .required("path", ArgType.STR)
            .optional("arg", ArgType.listOf(ArgType.STR))
            .optional("env", ArgType.listOf(ArgType.STR))
            .optional("input-data", ArgType.STR)
            .optional("capture-output", CAPTURE_OUTPUT)
            .build();

    private final Optional<ProcessRunner> processes;

    GuestExec(Optional<ProcessRunner> processes) {
        super(NAME, ARGS);
        this.processes = processes;
    }

    /** {@code ga_parse_capture_output}: the mode a bool or enum value stands for. */
    static OutputMode captureMode(Object value) {
        if (value == null) {
            return OutputMode.NONE;
        }
        if (value instanceof Boolean b) {
            return b ? OutputMode.SEPARATED : OutputMode.NONE;
        }
        return switch ((String) value) {
            case "stdout" -> OutputMode.STDOUT;
            case "stderr" -> OutputMode.STDERR;
            case "separated" -> OutputMode.SEPARATED;
            case "merged" -> OutputMode.MERGED;
            default -> OutputMode.NONE;
        };
    }

    @Override
    public Object execute(Args args) throws AgentException {
        ProcessRunner runner = ExecCommands.feature(processes);
        Optional<byte[]> input = args.has("input-data")
                ? Optional.of(QBase64.decode(args.getString("input-data"))) : Optional.empty();
        List<String> argv = args.has("arg") ? args.<String>getList("arg") : List.of();
        Optional<List<String>> env = args.has("env") ? Optional.of(args.<String>getList("env")) : Optional.empty();
        ProcessSpec spec = new ProcessSpec(args.getString("path"), argv, env, input,
                captureMode(args.get("capture-output")));
        try {
            return Map.of("pid", (long) runner.start(spec));
        } catch (ProcessException e) {
            throw AgentException.generic("Guest agent command failed, error was '" + e.getMessage() + "'", e);
        }
    }
}
