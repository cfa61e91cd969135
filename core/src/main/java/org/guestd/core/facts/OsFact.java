// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.facts;

/**
 * The operating system: os-release(5) fields and uname(2). Fields the system lacks are null.
 *
 * @param id os-release ID ("debian")
 * @param name os-release NAME ("Debian GNU/Linux")
 * @param prettyName os-release PRETTY_NAME
 * @param versionId os-release VERSION_ID ("12", "24.04")
 * @param version os-release VERSION
 * @param kernelRelease uname -r
 * @param kernelVersion uname -v
 * @param machine uname -m
 */
public record OsFact(String id, String name, String prettyName, String versionId, String version,
        String kernelRelease, String kernelVersion, String machine) {}
