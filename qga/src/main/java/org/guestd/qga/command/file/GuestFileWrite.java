// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.file;

import java.util.LinkedHashMap;
import java.util.Map;
import org.guestd.core.AgentException;
import org.guestd.jna.linux.CStream;
import org.guestd.qga.command.QBase64;
import org.guestd.qga.dispatch.ArgType;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;
import org.guestd.qga.dispatch.StructSpec;

/**
 * {@code guest-file-write} (Since: 0.15.0): {@code {handle: int, buf-b64: str, count?: int}} →
 * GuestFileWrite {@code {count, eof}}. {@code count} defaults to the decoded length and may not
 * exceed it. After a read, the stream is re-synchronised with {@code fseek(0, SEEK_CUR)} first.
 */
public final class GuestFileWrite extends BaseCommand {
    public static final String NAME = "guest-file-write";
    private static final StructSpec ARGS = StructSpec.builder()
            .required("handle", ArgType.INT)
            .required("buf-b64", ArgType.STR)
            .optional("count", ArgType.INT)
            .build();

    private final FileHandles handles;

    GuestFileWrite(FileHandles handles) {
        super(NAME, ARGS);
        this.handles = handles;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        CStream.WriteResult w = handles.withFile(args.getLong("handle"), f -> {
            if (f.state == OpenFile.State.READING) {
                CStream.SeekResult s = f.stream.seek(0, 1);
                if (s.errno() != 0) {
                    throw FileOpener.failed("failed to seek file", s.errno());
                }
                f.state = OpenFile.State.NEW;
            }
            byte[] buf = QBase64.decode(args.getString("buf-b64"));
            long count = buf.length;
            if (args.has("count")) {
                count = args.getLong("count");
                if (count < 0 || count > buf.length) {
                    throw AgentException.generic("value '" + count + "' is invalid for argument count");
                }
            }
            CStream.WriteResult written = f.stream.write(buf, (int) count);
            if (written.errno() != 0) {
                throw FileOpener.failed("failed to write to file", written.errno());
            }
            f.state = OpenFile.State.WRITING;
            return written;
        });
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", w.count());
        m.put("eof", w.eof());
        return m;
    }
}
