// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.xen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The emulated store: nodes with a value, a permission list and children, addressed by canonical
 * absolute paths. Every change bumps a counter recorded per path touched (the node, its parent
 * whose child list changed, removed descendants), which is how transactions find conflicts. Not
 * thread-safe: {@link Xenstored} holds its lock around every use.
 */
final class XsTree {
    /** Permission bits. */
    static final int READ = 1;
    static final int WRITE = 2;

    /** One node. {@code perms}: first the owner with the default for others, then per-domain entries ("r5"). */
    static final class Node {
        byte[] value = new byte[0];
        List<String> perms;
        final TreeMap<String, Node> children = new TreeMap<>();

        Node(List<String> perms) {
            this.perms = new ArrayList<>(perms);
        }

        int owner() {
            return Integer.parseInt(perms.get(0).substring(1));
        }

        Node copy() {
            Node n = new Node(perms);
            n.value = value;
            children.forEach((k, v) -> n.children.put(k, v.copy()));
            return n;
        }
    }

    private Node root = new Node(List.of("n0"));
    private final Map<String, Long> lastChange = new HashMap<>();
    private long counter;

    /** A deep copy (a transaction's private view); change records start empty. */
    XsTree copy() {
        XsTree t = new XsTree();
        t.root = root.copy();
        t.counter = counter;
        return t;
    }

    long counter() {
        return counter;
    }

    /** When {@code path} last changed (0: never). */
    long lastChange(String path) {
        return lastChange.getOrDefault(path, 0L);
    }

    Node get(String path) {
        if (path.equals("/")) {
            return root;
        }
        Node n = root;
        for (String part : path.substring(1).split("/")) {
            n = n.children.get(part);
            if (n == null) {
                return null;
            }
        }
        return n;
    }

    /** The nearest existing ancestor of {@code path} (the path itself excluded). */
    Node nearestAncestor(String path) {
        String p = parent(path);
        Node n;
        while ((n = get(p)) == null) {
            p = parent(p);
        }
        return n;
    }

    /**
     * Sets the value, creating missing ancestors (each inherits its parent's permissions; a node an
     * unprivileged domain creates is owned by it, as xenstored does).
     */
    void write(String path, byte[] value, int creator) {
        Node n = create(path, creator);
        n.value = value;
        touch(path);
    }

    /** Creates the node (and ancestors) if missing; true when it was created. */
    boolean mkdir(String path, int creator) {
        if (get(path) != null) {
            return false;
        }
        create(path, creator);
        touch(path);
        return true;
    }

    private Node create(String path, int creator) {
        if (path.equals("/")) {
            return root;
        }
        Node n = get(path);
        if (n != null) {
            return n;
        }
        Node parent = create(parent(path), creator);
        Node child = new Node(parent.perms);
        if (creator != 0) {
            child.perms.set(0, child.perms.get(0).charAt(0) + Integer.toString(creator));
        }
        parent.children.put(name(path), child);
        touch(parent(path));
        touch(path);
        return child;
    }

    /** Removes the subtree; returns the removed paths, deepest first, {@code path} last (empty if absent). */
    List<String> rm(String path) {
        Node n = get(path);
        List<String> removed = new ArrayList<>();
        if (n == null || path.equals("/")) {
            return removed;
        }
        collect(path, n, removed);
        get(parent(path)).children.remove(name(path));
        touch(parent(path));
        for (String p : removed) {
            touch(p);
        }
        return removed;
    }

    private static void collect(String path, Node n, List<String> out) {
        n.children.forEach((k, v) -> collect(path + "/" + k, v, out));
        out.add(path);
    }

    void setPerms(String path, List<String> perms) {
        get(path).perms = new ArrayList<>(perms);
        touch(path);
    }

    private void touch(String path) {
        lastChange.put(path, ++counter);
    }

    /** What {@code domid} may do with {@code n}: dom0 everything, the owner everything, else its entry or the default. */
    static int access(Node n, int domid) {
        if (domid == 0 || n.owner() == domid) {
            return READ | WRITE;
        }
        String mine = null;
        for (int i = 1; i < n.perms.size(); i++) {
            if (Integer.parseInt(n.perms.get(i).substring(1)) == domid) {
                mine = n.perms.get(i);
            }
        }
        char c = (mine != null ? mine : n.perms.get(0)).charAt(0);
        return switch (c) {
            case 'r' -> READ;
            case 'w' -> WRITE;
            case 'b' -> READ | WRITE;
            default -> 0;
        };
    }

    static String parent(String path) {
        int i = path.lastIndexOf('/');
        return i <= 0 ? "/" : path.substring(0, i);
    }

    static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** Every node under {@code path} (itself included) as path → value, sorted. */
    Map<String, byte[]> dump(String path) {
        Map<String, byte[]> out = new TreeMap<>();
        Node n = get(path);
        if (n != null) {
            dump(path, n, out);
        }
        return out;
    }

    private static void dump(String path, Node n, Map<String, byte[]> out) {
        out.put(path, n.value);
        n.children.forEach((k, v) -> dump(path.equals("/") ? "/" + k : path + "/" + k, v, out));
    }
}
