// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import java.util.List;
import org.guestd.kvp.KvpIntrinsics;

/** The one network adapter the fuzz targets' scripted intrinsics know. */
final class FakeAdapters {
    static final String GUID = "{f0a1b2c3-d4e5-4f60-8a9b-0c1d2e3f4a5b}";
    static final String MAC = "00:15:5D:00:00:01";

    private FakeAdapters() {}

    static KvpIntrinsics.IpConfig config() {
        return new KvpIntrinsics.IpConfig(MAC, 3, true, List.of("192.0.2.10", "2001:db8::10"),
                List.of("255.255.255.0", "/64"), List.of("192.0.2.1"), List.of("192.0.2.53", "2001:db8::53"));
    }
}
