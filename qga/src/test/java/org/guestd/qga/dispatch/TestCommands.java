// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.dispatch;

import org.guestd.core.AgentException;

/** Command stubs with real qemu schemas, for argument-checking tests. */
public final class TestCommands {
    private TestCommands() {}

    /** A command whose body is a lambda. */
    public static QgaCommand of(String name, StructSpec spec, boolean successResponse, Body body) {
        return new QgaCommand() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean successResponse() {
                return successResponse;
            }

            @Override
            public StructSpec arguments() {
                return spec;
            }

            @Override
            public Object execute(Args args) throws AgentException {
                return body.run(args);
            }
        };
    }

    /** A command body. */
    public interface Body {
        Object run(Args args) throws AgentException;
    }

    /** Echoes its checked arguments. */
    public static QgaCommand echo(String name, StructSpec spec) {
        return of(name, spec, true, Args::asMap);
    }

    /** guest-file-seek: handle:int, offset:int, whence:GuestFileWhence (int | QGASeek). */
    public static QgaCommand fileSeek() {
        return echo("guest-file-seek", StructSpec.builder()
                .required("handle", ArgType.INT)
                .required("offset", ArgType.INT)
                .required("whence", ArgType.alternate("GuestFileWhence", ArgType.INT,
                        ArgType.enumOf("QGASeek", "set", "cur", "end")))
                .build());
    }

    /** guest-set-memory-blocks: mem-blks:[GuestMemoryBlock {phys-index:uint64, online:bool, can-offline?:bool}]. */
    public static QgaCommand setMemoryBlocks() {
        StructSpec blk = StructSpec.builder()
                .required("phys-index", ArgType.UINT64)
                .required("online", ArgType.BOOL)
                .optional("can-offline", ArgType.BOOL)
                .build();
        return echo("guest-set-memory-blocks", StructSpec.builder()
                .required("mem-blks", ArgType.listOf(ArgType.struct(blk))).build());
    }

    /** guest-ssh-add-authorized-keys: username:str, keys:[str], reset?:bool. */
    public static QgaCommand sshAddKeys() {
        return echo("guest-ssh-add-authorized-keys", StructSpec.builder()
                .required("username", ArgType.STR)
                .required("keys", ArgType.listOf(ArgType.STR))
                .optional("reset", ArgType.BOOL)
                .build());
    }

    /** guest-exec as in 7.2: capture-output is a plain bool. */
    public static QgaCommand exec72() {
        return echo("guest-exec", StructSpec.builder()
                .required("path", ArgType.STR)
                .optional("arg", ArgType.listOf(ArgType.STR))
                .optional("env", ArgType.listOf(ArgType.STR))
                .optional("input-data", ArgType.STR)
                .optional("capture-output", ArgType.BOOL)
                .build());
    }

    /** A registry holding {@code commands}. */
    public static CommandRegistry registry(QgaCommand... commands) {
        CommandRegistry r = new CommandRegistry();
        for (QgaCommand c : commands) {
            r.register(c);
        }
        return r;
    }
}
