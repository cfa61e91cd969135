// SPDX-License-Identifier: Apache-2.0
package org.guestd.ctl;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A command's options: flags ({@code --json}) and options with a value ({@code --root DIR}); anything
 * else is refused. {@code --root} and {@code --config} are known to every command.
 */
final class Options {
    private final Set<String> flags = new HashSet<>();
    private final Map<String, String> values = new HashMap<>();
    private final List<String> positional = new ArrayList<>();

    /** Thrown for an unknown option or a missing value. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /**
     * @param flagNames the flags the command takes
     * @param valueNames the options with a value it takes (besides --root and --config)
     */
    static Options parse(List<String> args, Set<String> flagNames, Set<String> valueNames) throws UsageException {
        Options o = new Options();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (flagNames.contains(a)) {
                o.flags.add(a);
            } else if (valueNames.contains(a) || a.equals("--root") || a.equals("--config")) {
                if (i + 1 >= args.size()) {
                    throw new UsageException(a + " needs a value");
                }
                o.values.put(a, args.get(++i));
            } else if (a.startsWith("-")) {
                throw new UsageException("unknown option " + a);
            } else {
                o.positional.add(a);
            }
        }
        return o;
    }

    boolean has(String flag) {
        return flags.contains(flag);
    }

    Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name));
    }

    List<String> positional() {
        return positional;
    }

    /** The roots these options name. */
    Roots roots() {
        return new Roots(value("--root").map(Path::of).orElse(Path.of("/")),
                value("--config").map(Path::of).orElse(null));
    }
}
