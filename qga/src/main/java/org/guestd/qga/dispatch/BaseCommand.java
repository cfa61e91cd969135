// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.dispatch;

/**
 * A {@link QgaCommand} whose wire name and argument schema are fixed when it is built: the
 * subclass passes them to the constructor and implements only {@link #execute} (and whichever
 * of the other defaults it changes).
 */
public abstract class BaseCommand implements QgaCommand {
    private final String name;
    private final StructSpec arguments;

    /** A command without arguments. */
    protected BaseCommand(String name) {
        this(name, StructSpec.EMPTY);
    }

    /** A command whose arguments object has {@code arguments}' members. */
    protected BaseCommand(String name, StructSpec arguments) {
        this.name = name;
        this.arguments = arguments;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final StructSpec arguments() {
        return arguments;
    }
}
