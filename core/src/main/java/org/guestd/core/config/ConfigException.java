// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.config;

import org.guestd.core.AgentException;

/** A bad config file or option. The message names the file position or the section and key. */
public class ConfigException extends AgentException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String section, String key, String problem) {
        super("[" + section + "] " + key + ": " + problem);
    }
}
