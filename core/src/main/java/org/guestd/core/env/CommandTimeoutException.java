// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.env;

import org.guestd.core.AgentException;

/**
 * A program run by a {@link CommandRunner} ran longer than its timeout and was killed (with its
 * descendants). Its message is the runner's ({@code "<program> timed out after N ms"}); callers
 * that report timeouts in their own words catch this type.
 */
public class CommandTimeoutException extends AgentException {
    private static final long serialVersionUID = 1L;

    public CommandTimeoutException(String message) {
        super(message);
    }
}
