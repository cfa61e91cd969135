// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.dispatch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * qemu-ga's full command catalogue (44 commands of current qemu), in schema order, loaded from
 * the resource {@code qga-commands.txt}. The registry orders {@code guest-info} by it and checks
 * each registered command's success-response against it.
 */
public final class CommandCatalogue {
    private static final String RESOURCE = "qga-commands.txt";

    /** One schema command. {@code index} is its position in schema order. */
    public record Entry(String name, boolean successResponse, String since, int index) {}

    private final List<Entry> entries;
    private final Map<String, Entry> byName = new HashMap<>();

    private CommandCatalogue(List<Entry> entries) {
        this.entries = Collections.unmodifiableList(entries);
        for (Entry e : entries) {
            if (byName.put(e.name(), e) != null) {
                throw new IllegalStateException("duplicate catalogue entry " + e.name());
            }
        }
    }

    /** The built-in catalogue. */
    public static CommandCatalogue standard() {
        return Holder.STANDARD;
    }

    private static final class Holder {
        static final CommandCatalogue STANDARD = load();
    }

    private static CommandCatalogue load() {
        try (InputStream in = CommandCatalogue.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<Entry> list = new ArrayList<>();
            String line;
            while ((line = r.readLine()) != null) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\\s+");
                if (f.length != 3 || !(f[1].equals("true") || f[1].equals("false"))) {
                    throw new IllegalStateException("bad catalogue line: " + line);
                }
                list.add(new Entry(f[0], Boolean.parseBoolean(f[1]), f[2], list.size()));
            }
            return new CommandCatalogue(list);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** All commands in schema order. */
    public List<Entry> entries() {
        return entries;
    }

    public Optional<Entry> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }
}
