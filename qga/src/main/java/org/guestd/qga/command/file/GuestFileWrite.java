// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.file;

import java.nio.ByteBuffer;
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
 * {@code guest-file-write} (Since: 0.15.0): {@code {handle: int, buf-b64: str, count?: int}} →
 * GuestFileWrite {@code {count, eof}}. {@code count} defaults to the decoded length and may not
 * exceed it. The data is decoded and counted once the files feature has found the handle and
 * readied the stream (qemu-ga's order: a failing implicit seek after a read is reported before
 * bad base64).
 */
public final class GuestFileWrite extends BaseCommand {
    public static final String NAME = "guest-file-write";
    private static final StructSpec ARGS = StructSpec.builder()
            .required("handle", ArgType.INT)
            .required("buf-b64", ArgType.STR)
            .optional("count", ArgType.INT)
            .build();

    private final Optional<FileHandles> files;

    GuestFileWrite(Optional<FileHandles> files) {
        super(NAME, ARGS);
        this.files = files;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        FileHandles handles = FileCommands.feature(files);
        FileHandles.Written w;
        try {
            w = handles.write(args.getLong("handle"), () -> payload(args));
        } catch (FileException e) {
            throw FileCommands.reply(e);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", w.count());
        m.put("eof", w.eof());
        return m;
    }

    private static ByteBuffer payload(Args args) throws AgentException {
        byte[] buf = QBase64.decode(args.getString("buf-b64"));
        long count = buf.length;
        if (args.has("count")) {
            count = args.getLong("count");
            if (count < 0 || count > buf.length) {
                throw AgentException.generic("value '" + count + "' is invalid for argument count");
            }
        }
        return ByteBuffer.wrap(buf, 0, (int) count);
    }
}
