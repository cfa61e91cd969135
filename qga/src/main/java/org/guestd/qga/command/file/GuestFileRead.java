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
 * {@code guest-file-read} (Since: 0.15.0): {@code {handle: int, count?: int}} → GuestFileRead
 * {@code {count, buf-b64, eof}}. Count defaults to 4096 ({@code QGA_READ_COUNT_DEFAULT}) and
 * may be at most 48 MiB ({@code GUEST_FILE_READ_COUNT_MAX}: with base64's 4/3 it stays under the
 * 64 MiB JSON token limit). {@code buf-b64} is {@code ""} when nothing was read. After a write the
 * stream is flushed first.
 */
public final class GuestFileRead extends BaseCommand {
    public static final String NAME = "guest-file-read";
    public static final int READ_COUNT_DEFAULT = 4096;
    public static final long READ_COUNT_MAX = 48L * 1024 * 1024;
    private static final StructSpec ARGS = StructSpec.builder()
            .required("handle", ArgType.INT)
            .optional("count", ArgType.INT)
            .build();

    private final FileHandles handles;

    GuestFileRead(FileHandles handles) {
        super(NAME, ARGS);
        this.handles = handles;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        CStream.ReadResult r = handles.withFile(args.getLong("handle"), f -> {
            long count = READ_COUNT_DEFAULT;
            if (args.has("count")) {
                count = args.getLong("count");
                if (count < 0 || count > READ_COUNT_MAX) {
                    throw AgentException.generic("value '" + count + "' is invalid for argument count");
                }
            }
            if (f.state == OpenFile.State.WRITING) {
                int errno = f.stream.flush();
                if (errno != 0) {
                    throw FileOpener.failed("failed to flush file", errno);
                }
                f.state = OpenFile.State.NEW;
            }
            CStream.ReadResult read = f.stream.read((int) count);
            if (read.errno() != 0) {
                throw FileOpener.failed("failed to read file", read.errno());
            }
            f.state = OpenFile.State.READING;
            return read;
        });
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", (long) r.data().length);
        m.put("buf-b64", QBase64.encode(r.data(), r.data().length));
        m.put("eof", r.eof());
        return m;
    }
}
