// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.conformance;

/**
 * One case of qemu's tests/unit/test-qga.c: its path (e.g. {@code /qga/sync}) and its body,
 * which either runs on the shared fixture (one agent, one connection, in registration order) or
 * starts agents of its own.
 */
record QgaCase(String path, boolean ownAgent, Body body) {
    /** The case body; throws {@link CaseFailure} for a failed assertion. */
    @FunctionalInterface
    interface Body {
        void run(SuiteContext ctx) throws Exception;
    }
}
