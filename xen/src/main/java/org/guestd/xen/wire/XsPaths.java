// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.wire;

/**
 * xenstore path rules, checked before a request is sent (xenstored would answer EINVAL, or kill
 * the connection for an oversized message): characters {@code [A-Za-z0-9-/_@]}, no empty
 * component ({@code //}), no trailing {@code /} except the root; an absolute path of at most
 * {@code XENSTORE_ABS_PATH_MAX} (3072) bytes, a relative one (resolved by xenstored against
 * {@code /local/domain/<domid>}) of at most {@code XENSTORE_REL_PATH_MAX} (2048). Watch paths may
 * also be the special {@code @introduceDomain}-style names.
 */
public final class XsPaths {
    /** {@code XENSTORE_ABS_PATH_MAX}. */
    public static final int ABS_PATH_MAX = 3072;
    /** {@code XENSTORE_REL_PATH_MAX}. */
    public static final int REL_PATH_MAX = 2048;

    private XsPaths() {}

    /**
     * Checks a node path.
     *
     * @throws XsException EINVAL for a malformed path, E2BIG for one over its limit
     */
    public static void check(String path) {
        String why = problem(path, false);
        if (why != null) {
            throw new XsException(why.startsWith("longer") ? XsError.E2BIG : XsError.EINVAL,
                    "path '" + shorten(path) + "': " + why);
        }
    }

    /** Checks a watch path: a node path, or a special {@code @name}. */
    public static void checkWatch(String path) {
        String why = problem(path, true);
        if (why != null) {
            throw new XsException(why.startsWith("longer") ? XsError.E2BIG : XsError.EINVAL,
                    "watch path '" + shorten(path) + "': " + why);
        }
    }

    /** Null when valid, else why not. */
    static String problem(String path, boolean watch) {
        if (path == null || path.isEmpty()) {
            return "empty";
        }
        if (watch && path.charAt(0) == '@') {
            return path.length() > 1 && path.indexOf('/') < 0 && validChars(path) ? null : "not a special watch name";
        }
        boolean absolute = path.charAt(0) == '/';
        int max = absolute ? ABS_PATH_MAX : REL_PATH_MAX;
        if (path.length() > max) {
            return "longer than " + max + " bytes";
        }
        if (!validChars(path)) {
            return "characters outside [A-Za-z0-9-/_@]";
        }
        if (path.contains("//")) {
            return "an empty component";
        }
        if (path.length() > 1 && path.endsWith("/")) {
            return "a trailing /";
        }
        return null;
    }

    private static boolean validChars(String p) {
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '/' || c == '_' || c == '@';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String shorten(String p) {
        return p == null ? "null" : p.length() > 80 ? p.substring(0, 80) + "..." : p;
    }
}
