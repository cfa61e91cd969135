// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.file;

import java.util.LinkedHashMap;
import java.util.Map;
import org.guestd.core.AgentException;
import org.guestd.jna.linux.CStream;
import org.guestd.qga.dispatch.ArgType;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;
import org.guestd.qga.dispatch.StructSpec;

/**
 * {@code guest-file-seek} (Since: 0.15.0): {@code {handle: int, offset: int, whence:
 * GuestFileWhence}} → GuestFileSeek {@code {position, eof}}. GuestFileWhence (2.6) is an
 * alternate of an int (0/1/2; anything else "invalid whence code N") and the enum QGASeek
 * {@code set/cur/end}.
 */
public final class GuestFileSeek extends BaseCommand {
    public static final String NAME = "guest-file-seek";
    private static final int ESPIPE = 29;
    static final ArgType WHENCE = ArgType.alternate("GuestFileWhence",
            ArgType.INT, ArgType.enumOf("QGASeek", "set", "cur", "end"));
    private static final StructSpec ARGS = StructSpec.builder()
            .required("handle", ArgType.INT)
            .required("offset", ArgType.INT)
            .required("whence", WHENCE)
            .build();

    private final FileHandles handles;

    GuestFileSeek(FileHandles handles) {
        super(NAME, ARGS);
        this.handles = handles;
    }

    /** {@code ga_parse_whence}: the SEEK_ constant, or qemu's "invalid whence code N". */
    static int whence(Object value) throws AgentException {
        long code;
        if (value instanceof String s) {
            code = switch (s) {
                case "set" -> 0;
                case "cur" -> 1;
                default -> 2;
            };
        } else {
            code = (Long) value;
        }
        if (code < 0 || code > 2) {
            throw AgentException.generic("invalid whence code " + code);
        }
        return (int) code;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        CStream.SeekResult s = handles.withFile(args.getLong("handle"), f -> {
            int whence = whence(args.get("whence"));
            CStream.SeekResult sought = f.stream.seek(args.getLong("offset"), whence);
            if (sought.errno() != 0) {
                if (sought.errno() == ESPIPE) {
                    f.state = OpenFile.State.NEW;
                }
            } else {
                f.state = OpenFile.State.NEW;
            }
            f.stream.clearErrors();
            return sought;
        });
        if (s.errno() != 0) {
            throw FileOpener.failed("failed to seek file", s.errno());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("position", s.position());
        m.put("eof", s.eof());
        return m;
    }
}
