// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.dispatch;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.guestd.core.AgentException;

/**
 * A QAPI argument type, checked and converted like {@code qapi/qobject-input-visitor.c} and the
 * generated visitors do it. Converted values: {@code int} and {@code uint64} → {@link Long}
 * (uint64 as its two's-complement bits; negative input is accepted, as qemu does for
 * compatibility), {@code str} and enums → String, {@code bool} → Boolean, {@code number} →
 * Double, lists → List, structs → {@link Args}, alternates → the chosen branch's value.
 */
public abstract class ArgType {
    /** The JSON kinds an alternate dispatches on (qemu's QType). */
    public enum Kind { NUMBER, STRING, BOOL, OBJECT, ARRAY, NULL }

    /** QAPI {@code int} (int64). */
    public static final ArgType INT = new Checked(Kind.NUMBER, Long.class, "integer");

    /** QAPI {@code uint64}. */
    public static final ArgType UINT64 = new Scalar(Kind.NUMBER) {
        @Override
        Object visit(InputVisitor v, String name) throws AgentException {
            Object o = v.getObject(name, true);
            if (o instanceof Long) {
                return o;
            }
            if (o instanceof BigInteger) {
                return ((BigInteger) o).longValue();
            }
            throw AgentException.generic("Parameter '" + v.fullName(name) + "' expects uint64");
        }
    };

    /** QAPI {@code str}. */
    public static final ArgType STR = new Checked(Kind.STRING, String.class, "string");

    /** QAPI {@code bool}. */
    public static final ArgType BOOL = new Checked(Kind.BOOL, Boolean.class, "boolean");

    /** QAPI {@code number}: any JSON number, as a double. */
    public static final ArgType NUMBER = new Scalar(Kind.NUMBER) {
        @Override
        Object visit(InputVisitor v, String name) throws AgentException {
            Object o = v.getObject(name, true);
            if (!(o instanceof Number)) {
                throw v.typeError(name, "number");
            }
            return ((Number) o).doubleValue();
        }
    };

    ArgType() {}

    /** The JSON kind this type accepts (used to build alternates). */
    abstract Kind kind();

    /** Checks and converts the member {@code name} (null inside a list) of the current container. */
    abstract Object visit(InputVisitor v, String name) throws AgentException;

    /** A QAPI enum: a string that must be one of {@code values}. */
    public static ArgType enumOf(String typeName, String... values) {
        Set<String> allowed = Set.of(values);
        return new Scalar(Kind.STRING) {
            @Override
            Object visit(InputVisitor v, String name) throws AgentException {
                String s = (String) STR.visit(v, name);
                if (!allowed.contains(s)) {
                    throw AgentException.generic("Parameter '" + (name == null ? "null" : name)
                            + "' does not accept value '" + s + "'");
                }
                return s;
            }

            @Override
            public String toString() {
                return typeName;
            }
        };
    }

    /** A QAPI list {@code [element]}. */
    public static ArgType listOf(ArgType element) {
        return new ArgType() {
            @Override
            Kind kind() {
                return Kind.ARRAY;
            }

            @Override
            Object visit(InputVisitor v, String name) throws AgentException {
                List<?> in = v.startList(name);
                List<Object> out = new ArrayList<>(in.size());
                for (int i = 0; i < in.size(); i++) {
                    out.add(element.visit(v, null));
                }
                v.pop();
                return out;
            }
        };
    }

    /** A nested QAPI struct. */
    public static ArgType struct(StructSpec spec) {
        return new ArgType() {
            @Override
            Kind kind() {
                return Kind.OBJECT;
            }

            @Override
            Object visit(InputVisitor v, String name) throws AgentException {
                return v.visitStruct(name, spec);
            }
        };
    }

    /**
     * A QAPI alternate: the input's JSON kind picks the branch (e.g. GuestFileWhence = int or
     * QGASeek). At most one branch per kind, as QAPI requires.
     *
     * @param typeName the schema type name, quoted in "expected: …" when no branch fits
     */
    public static ArgType alternate(String typeName, ArgType... branches) {
        Map<Kind, ArgType> byKind = new EnumMap<>(Kind.class);
        for (ArgType b : branches) {
            if (byKind.put(b.kind(), b) != null) {
                throw new IllegalArgumentException("two branches of kind " + b.kind() + " in " + typeName);
            }
        }
        return new ArgType() {
            @Override
            Kind kind() {
                throw new IllegalStateException("alternate inside alternate");
            }

            @Override
            Object visit(InputVisitor v, String name) throws AgentException {
                Object o = v.getObject(name, false);
                ArgType branch = byKind.get(kindOf(o));
                if (branch == null) {
                    throw AgentException.generic("Invalid parameter type for '"
                            + (name == null ? "null" : name) + "', expected: " + typeName);
                }
                return branch.visit(v, name);
            }
        };
    }

    static Kind kindOf(Object o) {
        if (o == null) {
            return Kind.NULL;
        } else if (o instanceof Number) {
            return Kind.NUMBER;
        } else if (o instanceof String) {
            return Kind.STRING;
        } else if (o instanceof Boolean) {
            return Kind.BOOL;
        } else if (o instanceof Map) {
            return Kind.OBJECT;
        }
        return Kind.ARRAY;
    }

    /** A scalar taken as is when it has the right Java type, else qemu's "expected: <word>" error. */
    private static final class Checked extends Scalar {
        private final Class<?> type;
        private final String expected;

        Checked(Kind kind, Class<?> type, String expected) {
            super(kind);
            this.type = type;
            this.expected = expected;
        }

        @Override
        Object visit(InputVisitor v, String name) throws AgentException {
            Object o = v.getObject(name, true);
            if (!type.isInstance(o)) {
                throw v.typeError(name, expected);
            }
            return o;
        }
    }

    private abstract static class Scalar extends ArgType {
        private final Kind kind;

        Scalar(Kind kind) {
            this.kind = kind;
        }

        @Override
        Kind kind() {
            return kind;
        }
    }
}
