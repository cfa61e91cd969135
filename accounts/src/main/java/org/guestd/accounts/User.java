// SPDX-License-Identifier: Apache-2.0
package org.guestd.accounts;

import java.nio.file.Path;

/** A user account: name, ids and home directory. */
public record User(String name, int uid, int gid, Path home) {}
