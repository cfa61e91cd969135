// SPDX-License-Identifier: Apache-2.0
package org.guestd.core;

/**
 * The error classes an agent reports. The names are QEMU Guest Agent wire names (QAPI
 * {@code QapiErrorClass}); qemu-ga itself only ever emits {@link #GENERIC_ERROR} and
 * {@link #COMMAND_NOT_FOUND}. Other protocols map these to their own codes.
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
