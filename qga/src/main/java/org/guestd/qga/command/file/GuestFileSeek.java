// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.file;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.files.FileException;
import org.guestd.files.FileHandles;
import org.guestd.qga.dispatch.ArgType;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;
import org.guestd.qga.dispatch.StructSpec;

/**
 * {@code guest-file-seek} (Since: 0.15.0): {@code {handle: int, offset: int, whence:
 * GuestFileWhence}} → GuestFileSeek {@code {position, eof}}. GuestFileWhence (2.6) is an
 * alternate of an int (0/1/2; anything else "invalid whence code N", checked after the handle)
 * and the enum QGASeek {@code set/cur/end}.
 */
public final class GuestFileSeek extends BaseCommand {
    public static final String NAME = "guest-file-seek";
    static final ArgType WHENCE = ArgType.alternate("GuestFileWhence",
            ArgType.INT, ArgType.enumOf("QGASeek", "set", "cur", "end"));
    private static final StructSpec ARGS = StructSpec.builder()
            .required("handle", ArgType.INT)
            .required("offset", ArgType.INT)
            .required("whence", WHENCE)
            .build();

    private final Optional<FileHandles> files;

    GuestFileSeek(Optional<FileHandles> files) {
        super(NAME, ARGS);
        this.files = files;
    }

    /** {@code ga_parse_whence}: SET/CUR/END, or qemu's "invalid whence code N". */
    static FileHandles.Whence whence(Object value) throws AgentException {
        if (value instanceof String s) {
            return switch (s) {
                case "set" -> FileHandles.Whence.SET;
                case "cur" -> FileHandles.Whence.CUR;
                default -> FileHandles.Whence.END;
            };
        }
        long code = (Long) value;
        if (code == 0) {
            return FileHandles.Whence.SET;
        } else if (code == 1) {
            return FileHandles.Whence.CUR;
        } else if (code == 2) {
            return FileHandles.Whence.END;
        }
        throw AgentException.generic("invalid whence code " + code);
    }

    @Override
    public Object execute(Args args) throws AgentException {
        FileHandles handles = FileCommands.feature(files);
        long handle = args.getLong("handle");
        FileHandles.Position s;
        try {
            handles.require(handle);
            s = handles.seek(handle, args.getLong("offset"), whence(args.get("whence")));
        } catch (FileException e) {
            throw FileCommands.reply(e);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("position", s.position());
        m.put("eof", s.eof());
        return m;
    }
}
