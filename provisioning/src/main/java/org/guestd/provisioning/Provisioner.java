// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.guestd.accounts.AccountException;
import org.guestd.accounts.Accounts;
import org.guestd.accounts.User;
import org.guestd.core.AgentException;
import org.guestd.core.env.Clock;
import org.guestd.core.env.CommandRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link ProvisioningRequest} once per VM id: checks it, then host name, admin user,
 * groups, password (hash or lock), sudoers drop-in, SSH keys, sshd drop-in, custom data, eject —
 * each action idempotent and audited (logger {@code org.guestd.audit}, and the state file). The
 * first failure stops provisioning with a reason (≤ 512 characters) and leaves the state FAILED,
 * so the next start tries again; nothing is changed before the whole request has been checked.
 * The account actions QGA shares (lookup, password, keys) go through the {@code accounts}
 * feature; the ones only provisioning takes through {@link SystemChanges}.
 */
public final class Provisioner {
    private static final Logger AUDIT = LoggerFactory.getLogger("org.guestd.audit");
    /** The longest reason kept (the platform's description limit). */
    public static final int MAX_REASON = 512;
    /** Accounts below this uid are the system's: never provisioned. */
    static final int MIN_UID = 1000;

    private final Accounts accounts;
    private final SystemChanges system;
    private final ProvisioningSettings settings;
    private final StateFile stateFile;
    private final Clock clock;
    private final SecureRandom random;

    /**
     * @param root the file system provisioning writes ({@code /}, or a fixture root in tests)
     * @param accounts the accounts of that same system
     * @param runner runs the shadow tools, hostname, visudo, eject, systemctl
     */
    public Provisioner(SystemRoot root, Accounts accounts, CommandRunner runner, ProvisioningSettings settings,
            Clock clock, SecureRandom random) {
        this.accounts = accounts;
        this.system = new SystemChanges(root, runner);
        this.settings = settings;
        this.stateFile = new StateFile(settings.stateDir());
        this.clock = clock;
        this.random = random;
    }

    /** The state file. */
    public StateFile stateFile() {
        return stateFile;
    }

    /** The stored state, if any. */
    public Optional<ProvisioningState> current() {
        return stateFile.load();
    }

    /** Whether {@code vmId} has been provisioned already (then {@link #provision} is not run again). */
    public boolean provisioned(String vmId) {
        return current().filter(s -> s.vmId().equals(vmId) && s.status() == ProvisioningState.Status.PROVISIONED)
                .isPresent();
    }

    /**
     * Runs every action for {@code req} and stores the result. The request's password is destroyed
     * once hashed (or when provisioning stops).
     *
     * @return the stored state: PROVISIONED, or FAILED with the reason
     */
    public ProvisioningState provision(ProvisioningRequest req) throws IOException {
        long started = millis();
        List<Step> steps = new ArrayList<>();
        save(new ProvisioningState(req.vmId(), ProvisioningState.Status.IN_PROGRESS, null, req.sources(),
                req.adminUser().value(), started, 0, steps, null));
        ProvisioningState.Status status = ProvisioningState.Status.PROVISIONED;
        String reason = null;
        try {
            Map<SshKey, String> keys;
            try {
                keys = RequestCheck.check(req);
            } catch (RequestCheck.Invalid e) {
                throw new StepFailure("check", e.source, e.getMessage());
            }
            steps.add(step("check", req.sources(), Step.Result.DONE, "user " + req.adminUser().value() + ", "
                    + keys.size() + " key(s)" + (req.hostName() == null ? "" : ", host name " + req.hostName().value())));
            hostName(req, steps);
            User account = user(req, steps);
            if (!settings.groups().isEmpty()) {
                List<String> missing = system.addToGroups(account.name(), settings.groups());
                steps.add(step("groups", "config", Step.Result.DONE, String.join(",", settings.groups())
                        + (missing.isEmpty() ? "" : " (missing, skipped: " + String.join(",", missing) + ")")));
            }
            boolean hasPassword = password(req, account, steps);
            if (settings.sudo()) {
                boolean changed = system.writeSudoers(account.name(), !hasPassword);
                steps.add(step("sudo", req.adminUser().source(), changed ? Step.Result.DONE : Step.Result.UNCHANGED,
                        ProvisioningSettings.SUDOERS_FILE + (hasPassword ? "" : " (NOPASSWD: no password)")));
            }
            sshKeys(req, keys, account, steps);
            sshd(req, steps);
            customData(req, steps);
            if (req.ejectDevice() != null) {
                String failed = system.eject(req.ejectDevice());
                steps.add(step("eject", "-", failed == null ? Step.Result.DONE : Step.Result.SKIPPED,
                        failed == null ? req.ejectDevice() : failed));
            }
        } catch (StepFailure f) {
            steps.add(step(f.step, f.source, Step.Result.FAILED, f.getMessage()));
            status = ProvisioningState.Status.FAILED;
            reason = cap(f.step + ": " + f.getMessage());
        } catch (AgentException | AccountException | IOException | RuntimeException e) {
            String name = steps.isEmpty() ? "check" : nextStepName(steps);
            steps.add(step(name, "-", Step.Result.FAILED, String.valueOf(e.getMessage())));
            status = ProvisioningState.Status.FAILED;
            reason = cap(name + ": " + e.getMessage());
        } finally {
            if (req.password() != null) {
                req.password().value().destroy();
            }
        }
        ProvisioningState done = new ProvisioningState(req.vmId(), status, reason, req.sources(),
                req.adminUser().value(), started, millis(), steps, null);
        save(done);
        return done;
    }

    /**
     * Records that provisioning could not even start for {@code vmId} (no usable data from the
     * platform): FAILED with the reason, so it is tried again at the next start.
     */
    public ProvisioningState recordFailure(String vmId, String sources, String reason) throws IOException {
        long now = millis();
        ProvisioningState s = new ProvisioningState(vmId, ProvisioningState.Status.FAILED, cap(reason), sources, null,
                now, now, List.of(step("data", sources, Step.Result.FAILED, cap(reason))), null);
        save(s);
        return s;
    }

    /** Stores what was reported to the platform for the current state. */
    public void recordReport(ProvisioningState.Report report) throws IOException {
        Optional<ProvisioningState> s = current();
        if (s.isPresent()) {
            save(s.get().withReport(report));
        }
    }

    private void hostName(ProvisioningRequest req, List<Step> steps) throws AgentException, IOException {
        if (req.hostName() == null) {
            steps.add(step("host-name", "-", Step.Result.SKIPPED, "none given"));
            return;
        }
        String name = req.hostName().value();
        if (name.equals(system.configuredHostName())) {
            steps.add(step("host-name", req.hostName().source(), Step.Result.UNCHANGED, name));
            return;
        }
        String how = system.setHostName(name);
        steps.add(step("host-name", req.hostName().source(), Step.Result.DONE, name + " (" + how + ")"));
    }

    private User user(ProvisioningRequest req, List<Step> steps) throws AgentException, AccountException, StepFailure {
        String name = req.adminUser().value();
        Optional<User> existing = accounts.find(name);
        if (existing.isPresent()) {
            if (existing.get().uid() < MIN_UID) {
                throw new StepFailure("user", req.adminUser().source(), name + " is a system account (uid "
                        + existing.get().uid() + "): not provisioned");
            }
            steps.add(step("user", req.adminUser().source(), Step.Result.UNCHANGED, name + " exists (uid "
                    + existing.get().uid() + ")"));
            return existing.get();
        }
        system.createUser(name);
        User a = accounts.find(name).orElseThrow(() -> AgentException.generic("useradd reported success but "
                + name + " cannot be looked up"));
        steps.add(step("user", req.adminUser().source(), Step.Result.DONE, name + " created (uid " + a.uid()
                + ", home " + a.home() + ")"));
        return a;
    }

    /** Sets the password hash, or locks the password; true when the account has a password. */
    private boolean password(ProvisioningRequest req, User a, List<Step> steps) throws AgentException, AccountException {
        if (req.password() != null) {
            String hash = Sha512Crypt.hash(req.password().value(), random);
            req.password().value().destroy();
            // chpasswd -e reads USER:HASH on its standard input: the hash is in no argument either
            accounts.setPassword(a.name(), hash.getBytes(StandardCharsets.US_ASCII), true);
            steps.add(step("password", req.password().source(), Step.Result.DONE, "SHA-512 hash set"));
            return true;
        }
        boolean changed = system.lockPassword(a.name());
        steps.add(step("password", "-", changed ? Step.Result.DONE : Step.Result.UNCHANGED, "locked (key-only login)"));
        return false;
    }

    private void sshKeys(ProvisioningRequest req, Map<SshKey, String> keys, User a, List<Step> steps)
            throws AccountException {
        if (keys.isEmpty()) {
            steps.add(step("ssh-keys", "-", Step.Result.SKIPPED, "none given"));
            return;
        }
        Path dflt = a.home().resolve(".ssh/authorized_keys");
        Map<Path, List<String>> byFile = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        for (Map.Entry<SshKey, String> e : keys.entrySet()) {
            Path target = dflt;
            String p = e.getKey().path();
            if (p != null && !p.isBlank()) {
                Path asked = Path.of(p).normalize();
                if (asked.isAbsolute() && asked.startsWith(a.home()) && !asked.equals(a.home())) {
                    target = asked;
                } else {
                    notes.add("path " + p + " is outside " + a.home() + ": used " + dflt);
                }
            }
            byFile.computeIfAbsent(target, t -> new ArrayList<>()).add(e.getValue());
        }
        int added = 0;
        for (Map.Entry<Path, List<String>> e : byFile.entrySet()) {
            added += accounts.installAuthorizedKeys(a, e.getKey(), e.getValue());
        }
        String sources = String.join("+", keys.keySet().stream().map(SshKey::source).distinct().toList());
        steps.add(step("ssh-keys", sources, added > 0 ? Step.Result.DONE : Step.Result.UNCHANGED,
                added + " of " + keys.size() + " key(s) added to " + String.join(", ", byFile.keySet().stream()
                        .map(Path::toString).toList()) + (notes.isEmpty() ? "" : "; " + String.join("; ", notes))));
    }

    private void sshd(ProvisioningRequest req, List<Step> steps) throws AgentException, IOException {
        if (req.disablePasswordAuthentication() == null) {
            steps.add(step("sshd", "-", Step.Result.SKIPPED, "not asked"));
            return;
        }
        boolean disable = req.disablePasswordAuthentication().value();
        SystemChanges.SshdResult r = system.writeSshd(disable);
        if (r == null) {
            steps.add(step("sshd", req.disablePasswordAuthentication().source(), Step.Result.SKIPPED,
                    "no /etc/ssh: sshd is not installed"));
            return;
        }
        steps.add(step("sshd", req.disablePasswordAuthentication().source(),
                r.changed() ? Step.Result.DONE : Step.Result.UNCHANGED,
                "PasswordAuthentication " + (disable ? "no" : "yes") + " in " + ProvisioningSettings.SSHD_DROP_IN + r.note()));
    }

    private void customData(ProvisioningRequest req, List<Step> steps) throws IOException {
        if (req.customData() == null) {
            steps.add(step("custom-data", "-", Step.Result.SKIPPED, "none given"));
            return;
        }
        SafeFiles.directory(settings.stateDir(), 0700, null, null);
        Path f = settings.stateDir().resolve(ProvisioningSettings.CUSTOM_DATA);
        SafeFiles.write(f, req.customData().value(), 0600, null, null);
        steps.add(step("custom-data", req.customData().source(), Step.Result.DONE,
                req.customData().value().length + " bytes stored in " + f + " (not executed)"));
    }

    private static String nextStepName(List<Step> steps) {
        List<String> order = List.of("check", "host-name", "user", "groups", "password", "sudo", "ssh-keys", "sshd",
                "custom-data", "eject");
        int i = order.indexOf(steps.get(steps.size() - 1).name());
        return i >= 0 && i + 1 < order.size() ? order.get(i + 1) : "provisioning";
    }

    /** {@code reason} cut to {@link #MAX_REASON} characters. */
    public static String cap(String reason) {
        String r = reason == null ? "" : reason.replace('\n', ' ').replace('\r', ' ');
        return r.length() <= MAX_REASON ? r : r.substring(0, MAX_REASON - 1) + "…";
    }

    private Step step(String name, String source, Step.Result result, String detail) {
        Step s = new Step(name, source, result, detail, millis());
        AUDIT.info("provisioning step={} source={} result={} detail={}", name, source, result.wireName(), detail);
        return s;
    }

    private long millis() {
        return clock.realtimeNanos() / 1_000_000;
    }

    private void save(ProvisioningState s) throws IOException {
        stateFile.save(s);
    }

    /** A failed action with its name and source. */
    private static final class StepFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final String step;
        final String source;

        StepFailure(String step, String source, String message) {
            super(message);
            this.step = step;
            this.source = source;
        }
    }
}
