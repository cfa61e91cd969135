// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.dispatch;

/**
 * The error classes of the QGA wire (QAPI
 * {@code QapiErrorClass}); qemu-ga itself only ever emits {@link #GENERIC_ERROR} and
 * {@link #COMMAND_NOT_FOUND}. Any other feature failure answers {@link #GENERIC_ERROR}.
 */
public enum ErrorClass {
    GENERIC_ERROR("GenericError"),
    COMMAND_NOT_FOUND("CommandNotFound"),
    DEVICE_NOT_ACTIVE("DeviceNotActive"),
    DEVICE_NOT_FOUND("DeviceNotFound"),
    KVM_MISSING_CAP("KVMMissingCap");

    private final String wireName;

    ErrorClass(String wireName) {
        this.wireName = wireName;
    }

    /** The QGA wire name, e.g. {@code "GenericError"}. */
    public String wireName() {
        return wireName;
    }
}
