// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.file;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.files.FileException;
import org.guestd.files.FileHandles;
import org.guestd.qga.command.QBase64;
import org.guestd.qga.dispatch.ArgType;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;
import org.guestd.qga.dispatch.StructSpec;

/**
 * {@code guest-file-read} (Since: 0.15.0): {@code {handle: int, count?: int}} → GuestFileRead
 * {@code {count, buf-b64, eof}}. Count defaults to 4096 ({@code QGA_READ_COUNT_DEFAULT}) and
 * may be at most 48 MiB ({@code GUEST_FILE_READ_COUNT_MAX}: with base64's 4/3 it stays under the
 * 64 MiB JSON token limit); as in qemu-ga the handle is checked before the count. {@code buf-b64}
 * is {@code ""} when nothing was read.
 */
public final class GuestFileRead extends BaseCommand {
    public static final String NAME = "guest-file-read";
    public static final int READ_COUNT_DEFAULT = 4096;
    public static final long READ_COUNT_MAX = 48L * 1024 * 1024;
    private static final StructSpec ARGS = StructSpec.builder()
            .required("handle", ArgType.INT)
            .optional("count", ArgType.INT)
            .build();

    private final Optional<FileHandles> files;

    GuestFileRead(Optional<FileHandles> files) {
        super(NAME, ARGS);
        this.files = files;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        FileHandles handles = FileCommands.feature(files);
        long handle = args.getLong("handle");
        FileHandles.Chunk r;
        try {
            handles.require(handle);
            long count = READ_COUNT_DEFAULT;
            if (args.has("count")) {
                count = args.getLong("count");
                if (count < 0 || count > READ_COUNT_MAX) {
                    throw AgentException.generic("value '" + count + "' is invalid for argument count");
                }
            }
            r = handles.read(handle, (int) count);
        } catch (FileException e) {
            throw FileCommands.reply(e);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", (long) r.data().length);
        m.put("buf-b64", QBase64.encode(r.data(), r.data().length));
        m.put("eof", r.eof());
        return m;
    }
}
