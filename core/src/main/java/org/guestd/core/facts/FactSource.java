// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.facts;

import java.util.Map;

/**
 * Reads the current instances of one fact kind, whole: an instance missing from the result is
 * withdrawn. A source that throws leaves the last published facts in place (a transient read
 * failure must not make the host forget the guest's addresses).
 */
@FunctionalInterface
public interface FactSource<T> {
    /** The current instances by name ({@link FactKind#SINGLE} for a one-instance kind). */
    Map<String, T> read() throws Exception;

    /** A source of a one-instance kind; a null value means the fact does not exist now. */
    static <T> FactSource<T> single(Reader<T> reader) {
        return () -> {
            T v = reader.read();
            return v == null ? Map.of() : Map.of(FactKind.SINGLE, v);
        };
    }

    /** Reads one value. */
    @FunctionalInterface
    interface Reader<T> {
        T read() throws Exception;
    }
}
