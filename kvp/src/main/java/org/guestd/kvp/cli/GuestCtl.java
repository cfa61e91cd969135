// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.guestd.kvp.KvpException;
import org.guestd.kvp.KvpStore;
import org.guestd.kvp.file.FileKvpStore;

/**
 * {@code guestctl}: the guest-side CLI. {@code guestctl kvp list|get|set|delete [--pool N]
 * [--json] [--pool-dir DIR] [KEY [VALUE]]} works on the pool files directly, under the same locks
 * as the running agent (and hv_kvp_daemon, cloud-init), so it is safe beside them.
 *
 * <p>Exit status: 0 done; 1 key not found (get, delete); 2 usage error (bad option, pool, key or
 * value too long); 3 the pool files cannot be read or written.
 */
public final class GuestCtl {
    static final int OK = 0;
    static final int NOT_FOUND = 1;
    static final int USAGE = 2;
    static final int IO = 3;

    private static final String HELP = String.join("\n",
            "usage: guestctl kvp list   [--pool N] [--json] [--pool-dir DIR]",
            "       guestctl kvp get    KEY [--pool N] [--json] [--pool-dir DIR]",
            "       guestctl kvp set    KEY VALUE [--pool N] [--pool-dir DIR]",
            "       guestctl kvp delete KEY [--pool N] [--pool-dir DIR]",
            "Hyper-V KVP pools 0-4 (.kvp_pool_N); default pool 1 (guest to host); list without --pool: all pools.",
            "Exit status: 0 ok, 1 key not found, 2 usage error, 3 pool file error.");

    private GuestCtl() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> pos = new ArrayList<>();
        Integer pool = null;
        boolean json = false;
        String dir = FileKvpStore.DEFAULT_DIR;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--pool" -> pool = Integer.parseInt(args[++i]);
                    case "--json" -> json = true;
                    case "--pool-dir" -> dir = args[++i];
                    case "-h", "--help" -> {
                        out.println(HELP);
                        return OK;
                    }
                    default -> pos.add(args[i]);
                }
            }
        } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
            err.println("guestctl: bad option value\n" + HELP);
            return USAGE;
        }
        if (pos.size() < 2 || !pos.get(0).equals("kvp")) {
            err.println(HELP);
            return USAGE;
        }
        if (pool != null && (pool < 0 || pool >= KvpStore.POOL_COUNT)) {
            err.println("guestctl: no such pool: " + pool);
            return USAGE;
        }
        // no init(): never create or chmod anything the agent owns; missing files read as empty
        KvpStore store = new FileKvpStore(FileKvpStore.Options.defaults(Path.of(dir)));
        String verb = pos.get(1);
        int p = pool == null ? KvpStore.POOL_GUEST : pool;
        try {
            switch (verb) {
                case "list" -> {
                    List<Integer> pools = pool == null ? List.of(0, 1, 2, 3, 4) : List.of(pool);
                    StringBuilder sb = new StringBuilder(json ? "[" : "");
                    for (int n : pools) {
                        for (KvpStore.Entry e : store.list(n)) {
                            if (json) {
                                sb.append(sb.length() > 1 ? "," : "").append("{\"pool\":").append(n)
                                        .append(",\"key\":").append(quote(e.keyText())).append(",\"value\":")
                                        .append(quote(e.valueText())).append('}');
                            } else {
                                sb.append(n).append('\t').append(e.keyText()).append('\t').append(e.valueText()).append('\n');
                            }
                        }
                    }
                    out.print(json ? sb.append("]\n") : sb);
                    return OK;
                }
                case "get" -> {
                    if (pos.size() != 3) {
                        break;
                    }
                    Optional<byte[]> v = store.get(p, pos.get(2).getBytes(UTF_8));
                    if (v.isEmpty()) {
                        err.println("guestctl: no key '" + pos.get(2) + "' in pool " + p);
                        return NOT_FOUND;
                    }
                    String s = new String(v.get(), UTF_8);
                    out.println(json ? "{\"pool\":" + p + ",\"key\":" + quote(pos.get(2)) + ",\"value\":" + quote(s) + "}" : s);
                    return OK;
                }
                case "set" -> {
                    if (pos.size() != 4) {
                        break;
                    }
                    store.set(p, pos.get(2).getBytes(UTF_8), pos.get(3).getBytes(UTF_8));
                    return OK;
                }
                case "delete" -> {
                    if (pos.size() != 3) {
                        break;
                    }
                    if (!store.delete(p, pos.get(2).getBytes(UTF_8))) {
                        err.println("guestctl: no key '" + pos.get(2) + "' in pool " + p);
                        return NOT_FOUND;
                    }
                    return OK;
                }
                default -> { }
            }
        } catch (KvpException e) {
            err.println("guestctl: " + e.getMessage());
            return e.reason() == KvpException.Reason.INVALID_ARGUMENT ? USAGE : IO;
        }
        err.println(HELP);
        return USAGE;
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
