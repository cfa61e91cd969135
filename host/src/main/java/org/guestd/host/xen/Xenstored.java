// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.xen;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.guestd.jna.linux.NativeException;

/**
 * An in-memory xenstored for one guest domain, seen through the guest's xenbus device: the domain's
 * tree laid out and permissioned as libxl does ({@code control/} read-only to the guest unless
 * {@link #controlWritable}), relative paths resolved against {@code /local/domain/<domid>}, watches
 * that fire once on registration and on every change at or below their path (and for watched nodes
 * inside a removed subtree), transactions that fail their commit with EAGAIN when a node they used
 * changed meanwhile, xenstored's error names, and the {@link XsFaults}.
 *
 * <p>Each {@link #connect()} is one open of the device: a {@link XenbusConnection} (a socketpair;
 * its guest end goes to the agent as {@code fd:N}) with its own watches and transactions, as the
 * kernel keeps them per open file. The toolstack's side is the plain methods ({@link #write},
 * {@link #read}, {@link #rm}, ...), which act as dom0 and fire the guest's watches.
 */
public final class Xenstored implements AutoCloseable {
    /** xenstored's default node size quota (quota-maxsize): a longer value gets E2BIG. */
    public static final int ENTRY_SIZE_MAX = 2048;

    final Object lock = new Object();
    final XsTree tree = new XsTree();
    final int domid;
    final String home;
    private final XsFaults faults = new XsFaults();
    private final List<XenbusConnection> connections = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /**
     * A store with the domain's tree as libxl makes it.
     *
     * @param controlWritable false as libxl does (the guest cannot create {@code control/feature-balloon});
     *     true as XenServer does
     */
    public Xenstored(int domid, String name, boolean controlWritable) {
        this.domid = domid;
        this.home = "/local/domain/" + domid;
        String ro = "r" + domid;
        synchronized (lock) {
            tree.write("/local/domain/0/name", bytes("Domain-0"), 0);
            mk(home, "n0", ro);
            mk(home + "/name", "n0", ro).value = bytes(name);
            mk(home + "/domid", "n0", ro).value = bytes(Integer.toString(domid));
            mk(home + "/device", "n0", ro);
            mk(home + "/control", "n0", controlWritable ? "b" + domid : ro);
            for (String own : GUEST_OWNED) {
                mk(home + "/" + own, "n" + domid);
            }
            mk(home + "/memory", "n0", ro);
            mk(home + "/memory/target", "n0", ro).value = bytes("524288");
        }
    }

    /** The nodes the guest owns in its directory (libxl's layout), emptied by a restore. */
    private static final List<String> GUEST_OWNED = List.of("control/shutdown", "control/feature-poweroff",
            "control/feature-reboot", "control/feature-suspend", "control/sysrq", "data", "drivers", "feature", "attr",
            "error");

    private XsTree.Node mk(String path, String... perms) {
        tree.mkdir(path, 0);
        tree.setPerms(path, List.of(perms));
        return tree.get(path);
    }

    /** The fault policies (changeable at any time). */
    public XsFaults faults() {
        return faults;
    }

    /** The guest's domain id. */
    public int domid() {
        return domid;
    }

    /** Opens the device once more: a new connection served on its own thread. */
    public XenbusConnection connect() throws NativeException {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        XenbusConnection c = new XenbusConnection(this);
        connections.add(c);
        c.start();
        return c;
    }

    /** The connections opened so far (closed ones included). */
    public List<XenbusConnection> connections() {
        return List.copyOf(connections);
    }

    /** The device goes away: every open connection is closed (the guest sees end of file). */
    public void closeConnections() {
        for (XenbusConnection c : connections) {
            c.close();
        }
    }

    // ---------------------------------------------------------------- the toolstack's side (dom0)

    /** The value at an absolute or guest-relative path, or null. */
    public String read(String path) {
        synchronized (lock) {
            XsTree.Node n = tree.get(abs(path));
            return n == null ? null : new String(n.value, StandardCharsets.UTF_8);
        }
    }

    /** Writes as dom0 and fires the guest's watches. */
    public void write(String path, String value) {
        synchronized (lock) {
            String p = abs(path);
            tree.write(p, bytes(value), 0);
            fire(p, false, List.of(p));
        }
    }

    /** Removes as dom0 and fires the guest's watches. */
    public void rm(String path) {
        synchronized (lock) {
            String p = abs(path);
            List<String> removed = tree.rm(p);
            if (!removed.isEmpty()) {
                fire(p, true, removed);
            }
        }
    }

    /** The permissions of a node ({@code n0}, {@code r5}, ...), or null. */
    public List<String> perms(String path) {
        synchronized (lock) {
            XsTree.Node n = tree.get(abs(path));
            return n == null ? null : List.copyOf(n.perms);
        }
    }

    /** Sets permissions as dom0 (e.g. {@code xenstore-chmod control n0 b5}). */
    public void setPerms(String path, String... perms) {
        synchronized (lock) {
            tree.setPerms(abs(path), List.of(perms));
        }
    }

    /** Everything under the guest's home, as guest-relative path → value. */
    public Map<String, String> dumpHome() {
        synchronized (lock) {
            Map<String, String> out = new TreeMap<>();
            tree.dump(home).forEach((k, v) -> {
                if (!k.equals(home)) {
                    out.put(k.substring(home.length() + 1), new String(v, StandardCharsets.UTF_8));
                }
            });
            return out;
        }
    }

    /**
     * XAPI's {@code unique-domain-id}: written by dom0, readable by the guest (a new one marks a
     * migration or restore); fires the guest's watches.
     */
    public void setUniqueDomainId(String id) {
        synchronized (lock) {
            String p = home + "/unique-domain-id";
            tree.write(p, bytes(id), 0);
            tree.setPerms(p, List.of("n0", "r" + domid));
            fire(p, false, List.of(p));
        }
    }

    /**
     * The guest resumes: its kernel's {@code xs_resume} registers every watch again, so each of the
     * guest's watches fires once. With {@code newDomain} the domain was restored or migrated into a
     * directory built anew (libxl's {@code xl restore}; a migration to another host): what the guest
     * wrote is gone and, for a migration, {@code uniqueDomainId} (if not null) is its new id.
     */
    public void resume(boolean newDomain, String uniqueDomainId) {
        synchronized (lock) {
            if (newDomain) {
                for (String own : GUEST_OWNED) {
                    tree.rm(home + "/" + own);
                    mk(home + "/" + own, "n" + domid);
                }
                tree.rm(home + "/control/feature-balloon");
            }
            if (uniqueDomainId != null) {
                String p = home + "/unique-domain-id";
                tree.write(p, bytes(uniqueDomainId), 0);
                tree.setPerms(p, List.of("n0", "r" + domid));
            }
            for (XenbusConnection c : connections) {
                c.reregistered();
            }
        }
    }

    /** Sends {@code count} events for every guest watch at or above {@code path} (a watch storm). */
    public void watchStorm(String path, int count) {
        synchronized (lock) {
            String p = abs(path);
            for (int i = 0; i < count; i++) {
                fire(p, false, List.of(p));
            }
        }
    }

    // ---------------------------------------------------------------- shared with the connections

    /** Canonical absolute form of a guest path. */
    String abs(String path) {
        return path.startsWith("/") ? path : home + "/" + path;
    }

    /** Fires every connection's watches for a change at {@code path} (removal: {@code removed} lists the subtree). */
    void fire(String path, boolean removal, List<String> removed) {
        for (XenbusConnection c : connections) {
            c.changed(path, removal, removed);
        }
    }

    void forget(XenbusConnection c) {
        // kept in the list for connections(); nothing else to release
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Closes every connection. */
    @Override
    public void close() {
        closed = true;
        closeConnections();
    }

    /** For tests: the paths of every node under {@code path}. */
    List<String> paths(String path) {
        synchronized (lock) {
            return new ArrayList<>(tree.dump(abs(path)).keySet());
        }
    }
}
