// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.dispatch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The members of a QAPI struct (a command's arguments or a nested struct), in schema order,
 * which is the order in which they are checked.
 */
public final class StructSpec {
    /** No members: any member given is "unexpected". */
    public static final StructSpec EMPTY = new StructSpec(List.of());

    /** One member: wire name, type, whether it may be absent. */
    public record Member(String name, ArgType type, boolean optional) {}

    private final List<Member> members;

    private StructSpec(List<Member> members) {
        this.members = Collections.unmodifiableList(members);
    }

    public List<Member> members() {
        return members;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects members in schema order. */
    public static final class Builder {
        private final List<Member> members = new ArrayList<>();

        private Builder() {}

        /** A mandatory member. */
        public Builder required(String name, ArgType type) {
            return add(new Member(name, type, false));
        }

        /** A member marked {@code '*name'} in the schema. */
        public Builder optional(String name, ArgType type) {
            return add(new Member(name, type, true));
        }

        private Builder add(Member m) {
            for (Member x : members) {
                if (x.name().equals(m.name())) {
                    throw new IllegalArgumentException("duplicate member " + m.name());
                }
            }
            members.add(m);
            return this;
        }

        public StructSpec build() {
            return new StructSpec(new ArrayList<>(members));
        }
    }
}
