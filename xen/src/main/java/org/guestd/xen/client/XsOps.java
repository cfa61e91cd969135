// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.client;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.guestd.xen.wire.XsError;
import org.guestd.xen.wire.XsException;
import org.guestd.xen.wire.XsMessage;
import org.guestd.xen.wire.XsPaths;
import org.guestd.xen.wire.XsType;

/**
 * The xenstore operations, outside or inside a transaction. Every call checks its path and the
 * message size first (a violation fails the future at once: EINVAL or E2BIG, nothing is sent), then
 * returns a future completed on the event loop with the reply, or with an {@link XsException} whose
 * {@link XsError} is xenstored's errno name. Paths without a leading {@code /} are relative to
 * {@code /local/domain/<domid>} (xenstored resolves them). Values are bytes; the String forms use
 * UTF-8. Never block the event loop on these futures; a worker thread may.
 */
public abstract class XsOps {
    private static final byte[] EMPTY = new byte[0];

    XsOps() {}

    /** Sends {@code type} with {@code payload} in this scope (transaction or none). */
    abstract CompletableFuture<XsMessage> call(XsType type, byte[] payload, String what);

    /** The largest payload that may be sent. */
    abstract int maxPayload();

    /** XS_READ: the node's value. ENOENT when it does not exist. */
    public CompletableFuture<byte[]> read(String path) {
        return send(XsType.READ, path, cstr(path), null).thenApply(XsMessage::payload);
    }

    /** XS_READ decoded as UTF-8. */
    public CompletableFuture<String> readString(String path) {
        return read(path).thenApply(b -> new String(b, StandardCharsets.UTF_8));
    }

    /** XS_WRITE of {@code value} (UTF-8); xenstored creates missing parents. */
    public CompletableFuture<Void> write(String path, String value) {
        return write(path, value.getBytes(StandardCharsets.UTF_8));
    }

    /** XS_WRITE: payload {@code path\0value}, the value without a NUL. */
    public CompletableFuture<Void> write(String path, byte[] value) {
        byte[] p = cstr(path);
        byte[] payload = new byte[p.length + value.length];
        System.arraycopy(p, 0, payload, 0, p.length);
        System.arraycopy(value, 0, payload, p.length, value.length);
        return send(XsType.WRITE, path, payload, null).thenApply(m -> null);
    }

    /** XS_MKDIR: creates the node (empty value) if it is missing. */
    public CompletableFuture<Void> mkdir(String path) {
        return send(XsType.MKDIR, path, cstr(path), null).thenApply(m -> null);
    }

    /** XS_RM: removes the node and its children; OK when it is absent but its parent exists. */
    public CompletableFuture<Void> rm(String path) {
        return send(XsType.RM, path, cstr(path), null).thenApply(m -> null);
    }

    /** XS_DIRECTORY: the names of the node's children. */
    public CompletableFuture<List<String>> directory(String path) {
        return send(XsType.DIRECTORY, path, cstr(path), null).thenApply(XsMessage::strings);
    }

    /** XS_GET_PERMS: e.g. [n0, r5]: the owner with the default access first, then one entry per domain. */
    public CompletableFuture<List<String>> getPerms(String path) {
        return send(XsType.GET_PERMS, path, cstr(path), null).thenApply(XsMessage::strings);
    }

    /** XS_SET_PERMS of entries such as {@code n0}, {@code r5}, {@code b5}, {@code w5}. */
    public CompletableFuture<Void> setPerms(String path, List<String> perms) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(cstr(path));
        for (String perm : perms) {
            if (!perm.matches("[nrwb][0-9]+")) {
                return failed(XsError.EINVAL, "SET_PERMS " + path + ": bad permission '" + perm + "'");
            }
            b.writeBytes(cstr(perm));
        }
        return send(XsType.SET_PERMS, path, b.toByteArray(), null).thenApply(m -> null);
    }

    /** Whether the node exists: a READ answered, ENOENT → false; other errors fail. */
    public CompletableFuture<Boolean> exists(String path) {
        return read(path).handle((v, t) -> {
            if (t == null) {
                return true;
            }
            XsException x = XsException.unwrap(t);
            if (x != null && x.is(XsError.ENOENT)) {
                return false;
            }
            throw t instanceof RuntimeException ? (RuntimeException) t : new IllegalStateException(t);
        });
    }

    CompletableFuture<XsMessage> send(XsType type, String path, byte[] payload, String what) {
        String label = what != null ? what : type.name() + " " + path;
        XsException problem = check(type, path, payload, label);
        return problem != null ? CompletableFuture.failedFuture(problem) : call(type, payload, label);
    }

    /** Null when the request may be sent, else the EINVAL or E2BIG it fails with. */
    XsException check(XsType type, String path, byte[] payload, String label) {
        try {
            if (type == XsType.WATCH || type == XsType.UNWATCH) {
                XsPaths.checkWatch(path);
            } else {
                XsPaths.check(path);
            }
        } catch (XsException e) {
            return new XsException(e.error(), type.name() + " " + e.getMessage());
        }
        if (payload.length > maxPayload()) {
            return new XsException(XsError.E2BIG, label + ": a " + payload.length + "-byte payload, more than the "
                    + maxPayload() + " the device takes");
        }
        return null;
    }

    static <T> CompletableFuture<T> failed(XsError e, String detail) {
        return CompletableFuture.failedFuture(new XsException(e, detail));
    }

    static byte[] cstr(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 0, b.length);
        return out;
    }

    static byte[] empty() {
        return EMPTY;
    }
}
