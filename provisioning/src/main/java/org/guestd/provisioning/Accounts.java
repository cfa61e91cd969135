// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.guestd.core.AgentException;

/**
 * The account operations provisioning needs. {@link SystemAccounts} implements them with the
 * system's shadow tools through the injected {@code CommandRunner} and plain file writes under a
 * {@link SystemRoot}. (A shared {@code accounts} feature is being built from qga's
 * guest-set-user-password and guest-ssh-* commands; this interface is the seam where the two are
 * to be unified.)
 */
public interface Accounts {
    /** The account named {@code name} in the passwd file, or empty. */
    Optional<Account> lookup(String name) throws AgentException;

    /** Creates the account with a home directory ({@code useradd -m}); it must not exist. */
    Account create(String name) throws AgentException;

    /** Adds the account to the groups that exist; returns the groups that do not exist (skipped). */
    List<String> addToGroups(String name, List<String> groups) throws AgentException;

    /** Locks the account's password (key-only login); false when it was locked already. */
    boolean lockPassword(String name) throws AgentException;

    /** Sets the account's password to a crypt(3) hash (never a clear-text password). */
    void setPasswordHash(String name, String cryptHash) throws AgentException;

    /**
     * Adds the keys missing from {@code file} (an authorized_keys file inside the account's home),
     * creating it and its directory owned by the account with modes 0700/0600.
     *
     * @return how many keys were added (0: all were there)
     */
    int addAuthorizedKeys(Account account, Path file, List<String> keyLines) throws AgentException;

    /** Deletes the account and its home directory ({@code userdel -r}). */
    void delete(String name) throws AgentException;
}
