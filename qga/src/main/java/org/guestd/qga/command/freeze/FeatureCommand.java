// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.freeze;

import org.guestd.core.AgentException;
import org.guestd.qga.dispatch.BaseCommand;
import org.guestd.qga.dispatch.StructSpec;

/**
 * A freeze-service command: registered always, but disabled (and, should it run, answering
 * QERR_UNSUPPORTED) when the service's API is absent, as in a qemu-ga built without the ioctl.
 *
 * @param <T> the freeze service's API the command works on
 */
abstract class FeatureCommand<T> extends BaseCommand {
    private final T feature;

    /** A command without arguments; {@code feature} may be null. */
    FeatureCommand(String name, T feature) {
        this(name, StructSpec.EMPTY, feature);
    }

    /** @param feature the service's API, or null when the freeze service is not running */
    FeatureCommand(String name, StructSpec arguments, T feature) {
        super(name, arguments);
        this.feature = feature;
    }

    @Override
    public final boolean supported() {
        return feature != null;
    }

    /** The API, or QERR_UNSUPPORTED without it. */
    final T feature() throws AgentException {
        if (feature == null) {
            throw AgentException.unsupported();
        }
        return feature;
    }
}
