// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.guestd.core.json.JsonReader;

/**
 * What provisioning uses from IMDS {@code /metadata/instance}: {@code compute.vmId} (required),
 * {@code compute.osProfile.{computerName, adminUsername, disablePasswordAuthentication}} (IMDS
 * sends the flag as the string "true"/"false"; a JSON boolean is accepted too) and {@code
 * compute.publicKeys[].{keyData, path}}. Every other member is ignored.
 */
public record InstanceMetadata(String vmId, String computerName, String adminUsername,
        Boolean disablePasswordAuthentication, List<Key> publicKeys) {

    /** The largest IMDS document accepted. */
    public static final int MAX_BYTES = 4 * 1024 * 1024;

    /** A public key: its authorized_keys line and target path (possibly null). */
    public record Key(String keyData, String path) {}

    public InstanceMetadata {
        publicKeys = List.copyOf(publicKeys);
    }

    /**
     * Parses the JSON document.
     *
     * @throws IllegalArgumentException when it is not JSON, or a member has the wrong type, or
     *     vmId is missing
     */
    public static InstanceMetadata parse(String json) {
        Map<String, Object> root = object(JsonReader.parse(json), "the document");
        Map<String, Object> compute = object(root.get("compute"), "compute");
        String vmId = string(compute.get("vmId"), "compute.vmId");
        if (vmId == null || vmId.isBlank()) {
            throw new IllegalArgumentException("IMDS: compute.vmId is missing");
        }
        Object os = compute.get("osProfile");
        String computerName = null;
        String admin = null;
        Boolean disable = null;
        if (os != null) {
            Map<String, Object> p = object(os, "compute.osProfile");
            computerName = blankToNull(string(p.get("computerName"), "osProfile.computerName"));
            admin = blankToNull(string(p.get("adminUsername"), "osProfile.adminUsername"));
            Object d = p.get("disablePasswordAuthentication");
            if (d instanceof Boolean b) {
                disable = b;
            } else if ("true".equals(d)) {
                disable = true;
            } else if ("false".equals(d)) {
                disable = false;
            } else if (d != null && !"".equals(d)) {
                throw new IllegalArgumentException("IMDS: osProfile.disablePasswordAuthentication is " + d);
            }
        }
        List<Key> keys = new ArrayList<>();
        Object pk = compute.get("publicKeys");
        if (pk != null) {
            if (!(pk instanceof List<?> l)) {
                throw new IllegalArgumentException("IMDS: compute.publicKeys is not an array");
            }
            for (Object o : l) {
                Map<String, Object> k = object(o, "compute.publicKeys[]");
                String data = string(k.get("keyData"), "publicKeys[].keyData");
                keys.add(new Key(data == null ? "" : data, blankToNull(string(k.get("path"), "publicKeys[].path"))));
            }
        }
        return new InstanceMetadata(vmId.strip(), computerName, admin, disable, keys);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object o, String what) {
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException("IMDS: " + what + " is not an object");
        }
        return (Map<String, Object>) o;
    }

    private static String string(Object o, String what) {
        if (o == null || o instanceof String) {
            return (String) o;
        }
        throw new IllegalArgumentException("IMDS: " + what + " is not a string");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
