// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.xen;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * xenstored's answers to one connection's requests, as the guest domain sees them: permissions
 * (dom0 and a node's owner may do everything; others get the node's entry for them or its default;
 * creating a node needs write access to the nearest existing ancestor; a missing node is ENOENT when
 * its nearest ancestor is readable, else EACCES), the connection's watches and transactions.
 * Everything runs under the store's lock.
 */
final class XsRequests {
    private record Watch(String path, String token, String abs) {}

    /** A transaction: a private copy of the tree, the paths it used, and the changes to replay. */
    private static final class Tx {
        final XsTree view;
        final long start;
        final Set<String> used = new HashSet<>();
        final List<Runnable> replay = new ArrayList<>();

        Tx(XsTree view, long start) {
            this.view = view;
            this.start = start;
        }
    }

    /** An error reply. */
    private static final class Err extends Exception {
        private static final long serialVersionUID = 1L;

        Err(String name) {
            super(name, null, false, false);
        }
    }

    private final Xenstored store;
    private final XenbusConnection conn;
    private final int domid;
    private final List<Watch> watches = new ArrayList<>();
    private final Map<Integer, Tx> txs = new HashMap<>();
    private int nextTx = 1;

    XsRequests(Xenstored store, XenbusConnection conn) {
        this.store = store;
        this.conn = conn;
        this.domid = store.domid;
    }

    void handle(XsWire.Msg m) {
        synchronized (store.lock) {
            try {
                byte[] reply = answer(m);
                if (reply != null) {
                    conn.reply(new XsWire.Msg(m.type(), m.reqId(), m.txId(), reply));
                }
            } catch (Err e) {
                conn.reply(new XsWire.Msg(XsWire.ERROR, m.reqId(), m.txId(), XsWire.strings(e.getMessage())));
            }
        }
    }

    /** The reply payload, or null when the reply was already sent (a watch). */
    private byte[] answer(XsWire.Msg m) throws Err {
        List<String> parts = m.parts();
        Tx tx = null;
        if (m.txId() != 0 && m.type() != XsWire.TRANSACTION_START) {
            tx = txs.get(m.txId());
            if (tx == null) {
                throw new Err("ENOENT");
            }
        }
        XsTree t = tx != null ? tx.view : store.tree;
        switch (m.type()) {
            case XsWire.READ: {
                XsTree.Node n = readable(t, path(parts, 0), tx);
                return n.value;
            }
            case XsWire.DIRECTORY: {
                XsTree.Node n = readable(t, path(parts, 0), tx);
                return XsWire.strings(n.children.keySet().toArray(new String[0]));
            }
            case XsWire.GET_PERMS: {
                XsTree.Node n = readable(t, path(parts, 0), tx);
                return XsWire.strings(n.perms.toArray(new String[0]));
            }
            case XsWire.WRITE:
                return write(m, t, tx);
            case XsWire.MKDIR: {
                String p = path(parts, 0);
                mayCreate(t, p, tx);
                change(tx, p, () -> store.tree.mkdir(p, domid), x -> x.mkdir(p, domid), false);
                return ok();
            }
            case XsWire.RM:
                return rm(path(parts, 0), t, tx);
            case XsWire.SET_PERMS:
                return setPerms(parts, t, tx);
            case XsWire.WATCH:
                return watch(m, parts);
            case XsWire.UNWATCH:
                if (parts.size() >= 2) {
                    watches.removeIf(w -> w.path.equals(parts.get(0)) && w.token.equals(parts.get(1)));
                }
                return ok();
            case XsWire.TRANSACTION_START:
                if (m.txId() != 0) {
                    throw new Err("EBUSY");
                }
                int id = nextTx++;
                txs.put(id, new Tx(store.tree.copy(), store.tree.counter()));
                return XsWire.strings(Integer.toString(id));
            case XsWire.TRANSACTION_END:
                return end(m, parts, tx);
            case XsWire.GET_DOMAIN_PATH:
                return XsWire.strings("/local/domain/" + (parts.isEmpty() ? "" : parts.get(0)));
            case XsWire.RESET_WATCHES:
                watches.clear();
                return ok();
            default:
                throw new Err("EINVAL");
        }
    }

    private byte[] write(XsWire.Msg m, XsTree t, Tx tx) throws Err {
        byte[] p = m.payload();
        int nul = 0;
        while (nul < p.length && p[nul] != 0) {
            nul++;
        }
        if (nul == p.length) {
            throw new Err("EINVAL");
        }
        String path = checked(new String(p, 0, nul, StandardCharsets.UTF_8));
        byte[] value = Arrays.copyOfRange(p, nul + 1, p.length);
        if (store.faults().e2bigOnWrite || value.length > Xenstored.ENTRY_SIZE_MAX) {
            throw new Err("E2BIG");
        }
        forbidden(path);
        XsTree.Node n = t.get(path);
        if (n != null) {
            if ((XsTree.access(n, domid) & XsTree.WRITE) == 0) {
                throw new Err("EACCES");
            }
        } else {
            mayCreate(t, path, tx);
        }
        change(tx, path, () -> store.tree.write(path, value, domid), x -> x.write(path, value, domid), false);
        return ok();
    }

    private byte[] rm(String path, XsTree t, Tx tx) throws Err {
        forbidden(path);
        XsTree.Node n = t.get(path);
        if (n == null) {
            XsTree.Node parent = t.get(XsTree.parent(path));
            if (parent == null) {
                throw new Err(errnoFromParents(t, path));
            }
            return ok();
        }
        if ((XsTree.access(n, domid) & XsTree.WRITE) == 0) {
            throw new Err("EACCES");
        }
        change(tx, path, null, x -> x.rm(path), true);
        return ok();
    }

    private byte[] setPerms(List<String> parts, XsTree t, Tx tx) throws Err {
        String path = path(parts, 0);
        forbidden(path);
        List<String> perms = parts.subList(1, parts.size());
        if (perms.isEmpty() || !perms.stream().allMatch(s -> s.matches("[nrwb][0-9]+"))) {
            throw new Err("EINVAL");
        }
        XsTree.Node n = t.get(path);
        if (n == null) {
            throw new Err(errnoFromParents(t, path));
        }
        if (domid != 0 && n.owner() != domid) {
            throw new Err("EACCES");
        }
        List<String> copy = List.copyOf(perms);
        change(tx, path, () -> store.tree.setPerms(path, copy), x -> x.setPerms(path, copy), false);
        return ok();
    }

    private byte[] watch(XsWire.Msg m, List<String> parts) throws Err {
        if (parts.size() < 2) {
            throw new Err("EINVAL");
        }
        String path = parts.get(0);
        String token = parts.get(1);
        boolean special = path.startsWith("@");
        if (!special) {
            checked(path);
        }
        for (Watch w : watches) {
            if (w.path.equals(path) && w.token.equals(token)) {
                throw new Err("EEXIST");
            }
        }
        watches.add(new Watch(path, token, special ? path : store.abs(path)));
        XsWire.Msg okReply = new XsWire.Msg(XsWire.WATCH, m.reqId(), m.txId(), ok());
        if (store.faults().eventBeforeWatchOk) {
            conn.event(path, token);
            conn.reply(okReply);
        } else {
            conn.reply(okReply);
            conn.event(path, token);
        }
        return null;
    }

    private byte[] end(XsWire.Msg m, List<String> parts, Tx tx) throws Err {
        if (tx == null) {
            throw new Err("ENOENT");
        }
        txs.remove(m.txId());
        if (parts.isEmpty() || !(parts.get(0).equals("T") || parts.get(0).equals("F"))) {
            throw new Err("EINVAL");
        }
        if (parts.get(0).equals("F")) {
            return ok();
        }
        if (store.faults().commitEagain.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new Err("EAGAIN");
        }
        for (String p : tx.used) {
            if (store.tree.lastChange(p) > tx.start) {
                throw new Err("EAGAIN");
            }
        }
        for (Runnable r : tx.replay) {
            r.run();
        }
        return ok();
    }

    /** Applies a change now (no transaction: watches fire) or in the transaction's view (replayed at commit). */
    private void change(Tx tx, String path, Runnable direct, Consumer<XsTree> op, boolean removal) {
        if (tx == null) {
            applyAndFire(path, direct, op, removal);
            return;
        }
        tx.used.add(path);
        tx.used.add(XsTree.parent(path));
        op.accept(tx.view);
        tx.replay.add(() -> applyAndFire(path, direct, op, removal));
    }

    private void applyAndFire(String path, Runnable direct, Consumer<XsTree> op, boolean removal) {
        if (removal) {
            List<String> removed = store.tree.rm(path);
            if (!removed.isEmpty()) {
                store.fire(path, true, removed);
            }
        } else {
            if (direct != null) {
                direct.run();
            } else {
                op.accept(store.tree);
            }
            store.fire(path, false, List.of(path));
        }
    }

    /** Fires this connection's watches for a change at {@code path}. */
    void changed(String path, boolean removal, List<String> removed) {
        for (Watch w : watches) {
            if (w.abs.startsWith("@")) {
                continue;
            }
            if (path.equals(w.abs) || path.startsWith(w.abs.equals("/") ? "/" : w.abs + "/")) {
                conn.event(eventPath(w, path), w.token);
            } else if (removal && removed.contains(w.abs)) {
                conn.event(eventPath(w, w.abs), w.token);
            }
        }
    }

    /** Fires each watch once, as xenstored does when a watch is registered (again). */
    void reregistered() {
        for (Watch w : watches) {
            conn.event(w.path, w.token);
        }
    }

    void closed() {
        synchronized (store.lock) {
            watches.clear();
            txs.clear();
        }
    }

    private String eventPath(Watch w, String abs) {
        if (!w.path.startsWith("/") && abs.startsWith(store.home + "/")) {
            return abs.substring(store.home.length() + 1);
        }
        return abs;
    }

    private XsTree.Node readable(XsTree t, String path, Tx tx) throws Err {
        if (tx != null) {
            tx.used.add(path);
        }
        XsTree.Node n = t.get(path);
        if (n == null) {
            throw new Err(errnoFromParents(t, path));
        }
        if ((XsTree.access(n, domid) & XsTree.READ) == 0) {
            throw new Err("EACCES");
        }
        return n;
    }

    private void mayCreate(XsTree t, String path, Tx tx) throws Err {
        forbidden(path);
        if (t.get(path) != null) {
            return;
        }
        XsTree.Node anc = t.nearestAncestor(path);
        if ((XsTree.access(anc, domid) & XsTree.WRITE) == 0) {
            throw new Err("EACCES");
        }
        if (tx != null) {
            tx.used.add(path);
        }
    }

    private String errnoFromParents(XsTree t, String path) {
        XsTree.Node anc = t.nearestAncestor(path);
        return (XsTree.access(anc, domid) & XsTree.READ) != 0 ? "ENOENT" : "EACCES";
    }

    private void forbidden(String path) throws Err {
        String prefix = store.faults().eaccesUnder;
        if (prefix != null && path.startsWith(store.abs(prefix))) {
            throw new Err("EACCES");
        }
    }

    private String path(List<String> parts, int i) throws Err {
        if (parts.size() <= i) {
            throw new Err("EINVAL");
        }
        return checked(parts.get(i));
    }

    /** The canonical absolute path, or EINVAL (xenstored's is_valid_nodename). */
    private String checked(String p) throws Err {
        if (p.isEmpty() || (p.length() > 1 && p.endsWith("/")) || p.contains("//")
                || !p.matches("[A-Za-z0-9\\-/_@]+")) {
            throw new Err("EINVAL");
        }
        String abs = store.abs(p);
        if (abs.length() > 3072) {
            throw new Err("EINVAL");
        }
        return abs;
    }

    private static byte[] ok() {
        return XsWire.strings("OK");
    }
}
