// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.dispatch;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.guestd.core.AgentException;
import org.guestd.qga.codec.QDictOrder;

/**
 * qemu's QObject input visitor ({@code qapi/qobject-input-visitor.c}) for command arguments: a
 * stack of the objects and lists being visited, from which error messages name the offending
 * member by its full path ({@code mem-blks[0].phys-index}).
 */
final class InputVisitor {
    private static final Object MISSING = new Object();

    /** A container on the stack. */
    private static final class Frame {
        final String name;
        final Map<String, Object> dict;
        final Set<String> unvisited;
        final List<?> list;
        int index = -1;
        int next;

        Frame(String name, Map<String, Object> dict, List<?> list) {
            this.name = name;
            this.dict = dict;
            this.list = list;
            this.unvisited = dict == null ? null : new LinkedHashSet<>(QDictOrder.keys(dict));
        }
    }

    private final Object root;
    private final Deque<Frame> stack = new ArrayDeque<>();

    private InputVisitor(Object root) {
        this.root = root;
    }

    /** Checks a command's arguments object against {@code spec} (qmp_marshal_*'s visit). */
    static Args visitArguments(StructSpec spec, Map<String, Object> arguments) throws AgentException {
        return new InputVisitor(arguments).visitStruct(null, spec);
    }

    private Object tryGet(String name, boolean consume) {
        Frame top = stack.peek();
        if (top == null) {
            return root;
        }
        if (top.dict != null) {
            if (!top.dict.containsKey(name)) {
                return MISSING;
            }
            if (consume) {
                top.unvisited.remove(name);
            }
            return top.dict.get(name);
        }
        Object ret = top.next < top.list.size() ? top.list.get(top.next) : MISSING;
        if (consume) {
            if (ret != MISSING) {
                top.next++;
            }
            top.index++;
        }
        return ret;
    }

    /** The member's value; "Parameter '…' is missing" when absent. */
    Object getObject(String name, boolean consume) throws AgentException {
        Object o = tryGet(name, consume);
        if (o == MISSING) {
            throw AgentException.generic("Parameter '" + fullName(name) + "' is missing");
        }
        return o;
    }

    AgentException typeError(String name, String expected) {
        return AgentException.generic("Invalid parameter type for '" + fullName(name) + "', expected: " + expected);
    }

    /** qemu's {@code full_name()}: the member's path from the arguments object. */
    String fullName(String name) {
        StringBuilder sb = new StringBuilder();
        for (Frame so : stack) { // top first
            if (so.dict != null) {
                sb.insert(0, name == null ? "<anonymous>" : name);
                sb.insert(0, '.');
            } else {
                sb.insert(0, "[" + Integer.toUnsignedString(so.index) + "]");
            }
            name = so.name;
        }
        if (name != null) {
            sb.insert(0, name);
        } else if (sb.length() > 0 && sb.charAt(0) == '.') {
            sb.deleteCharAt(0);
        } else if (sb.length() == 0) {
            return "<anonymous>";
        }
        return sb.toString();
    }

    /** visit_start_struct + members in schema order + visit_check_struct + end. */
    Args visitStruct(String name, StructSpec spec) throws AgentException {
        Object o = getObject(name, true);
        if (!(o instanceof Map)) {
            throw typeError(name, "object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> dict = (Map<String, Object>) o;
        stack.push(new Frame(name, dict, null));
        Map<String, Object> values = new LinkedHashMap<>();
        for (StructSpec.Member m : spec.members()) {
            if (m.optional() && tryGet(m.name(), false) == MISSING) {
                continue;
            }
            values.put(m.name(), m.type().visit(this, m.name()));
        }
        Iterator<String> left = stack.peek().unvisited.iterator();
        if (left.hasNext()) {
            throw AgentException.generic("Parameter '" + fullName(left.next()) + "' is unexpected");
        }
        stack.pop();
        return new Args(values);
    }

    /** visit_start_list: the list to iterate; elements are then visited with a null name. */
    List<?> startList(String name) throws AgentException {
        Object o = getObject(name, true);
        if (!(o instanceof List)) {
            throw typeError(name, "array");
        }
        List<?> list = (List<?>) o;
        stack.push(new Frame(name, null, list));
        return list;
    }

    void pop() {
        stack.pop();
    }
}
