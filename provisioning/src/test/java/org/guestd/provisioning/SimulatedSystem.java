// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.guestd.core.AgentException;
import org.guestd.core.env.CommandRunner;

/**
 * A fixture root (etc/passwd, group, shadow, hostname, ssh) and a recording {@link CommandRunner}
 * that plays the shadow tools on it: useradd, usermod -a -G, passwd -l, chpasswd -e, userdel -r,
 * hostname, hostnamectl, visudo, eject, systemctl. Nothing runs for real; every call is recorded
 * with its standard input. A program not listed fails like a missing binary.
 */
public final class SimulatedSystem implements CommandRunner {
    /** One recorded run. */
    public record Call(List<String> argv, String stdin) {}

    public final Path root;
    public final List<Call> calls = new ArrayList<>();
    final Map<String, CommandResult> failures = new HashMap<>();
    public String hostname = "localhost";

    public SimulatedSystem(Path root) throws IOException {
        this.root = root;
        Files.createDirectories(root.resolve("etc/ssh/sshd_config.d"));
        Files.createDirectories(root.resolve("home"));
        Files.createDirectories(root.resolve("bin"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\ndaemon:x:1:\nsudo:x:27:\nadm:x:4:\n");
        Files.writeString(root.resolve("etc/shadow"), "root:*:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n");
        Files.writeString(root.resolve("etc/hostname"), "localhost\n");
        Files.writeString(root.resolve("etc/ssh/sshd_config"), "Include /etc/ssh/sshd_config.d/*.conf\nUsePAM yes\n");
    }

    /** Makes {@code program} fail with this exit code and stderr. */
    public SimulatedSystem fail(String program, int exit, String stderr) {
        failures.put(program, new CommandResult(exit, new byte[0], stderr.getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    public List<List<String>> argvs() {
        return calls.stream().map(Call::argv).toList();
    }

    @Override
    public synchronized CommandResult run(List<String> argv, byte[] stdin, Duration timeout) throws AgentException {
        calls.add(new Call(List.copyOf(argv), stdin == null ? null : new String(stdin, StandardCharsets.UTF_8)));
        String prog = argv.get(0);
        if (failures.containsKey(prog)) {
            return failures.get(prog);
        }
        try {
            switch (prog) {
                case "useradd" -> useradd(argv);
                case "usermod" -> usermod(argv);
                case "passwd" -> shadow(argv.get(2), f -> f.startsWith("!") ? f : "!" + f);
                case "chpasswd" -> {
                    String[] l = stdin == null ? new String[0] : new String(stdin, StandardCharsets.UTF_8).strip().split(":", 2);
                    shadow(l[0], f -> l[1]);
                }
                case "userdel" -> userdel(argv.get(argv.size() - 1));
                case "hostname" -> hostname = argv.get(1);
                case "hostnamectl" -> {
                    hostname = argv.get(2);
                    Files.writeString(root.resolve("etc/hostname"), argv.get(2) + "\n");
                }
                case "visudo", "eject", "systemctl" -> { }
                default -> throw AgentException.generic("failed to execute " + prog + ": No such file or directory");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new CommandResult(0, new byte[0], new byte[0]);
    }

    private void useradd(List<String> argv) throws IOException {
        String name = argv.get(argv.size() - 1);
        String shell = argv.contains("-s") ? argv.get(argv.indexOf("-s") + 1) : "/bin/sh";
        int uid = 1000 + (int) Files.readAllLines(root.resolve("etc/passwd")).stream()
                .filter(l -> Integer.parseInt(l.split(":")[2]) >= 1000).count();
        append("etc/passwd", name + ":x:" + uid + ":" + uid + "::/home/" + name + ":" + shell);
        append("etc/group", name + ":x:" + uid + ":");
        append("etc/shadow", name + ":!:19000:0:99999:7:::");
        if (argv.contains("-m")) {
            Path home = root.resolve("home").resolve(name);
            Files.createDirectory(home);
            Files.setAttribute(home, "unix:uid", uid);
            Files.setAttribute(home, "unix:gid", uid);
        }
    }

    private void usermod(List<String> argv) throws IOException {
        String name = argv.get(argv.size() - 1);
        List<String> groups = List.of(argv.get(argv.indexOf("-G") + 1).split(","));
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(root.resolve("etc/group"))) {
            String g = l.split(":", 2)[0];
            out.add(groups.contains(g) ? l + (l.endsWith(":") ? "" : ",") + name : l);
        }
        Files.write(root.resolve("etc/group"), out);
    }

    private void userdel(String name) throws IOException {
        for (String f : List.of("etc/passwd", "etc/shadow", "etc/group")) {
            Files.write(root.resolve(f), Files.readAllLines(root.resolve(f)).stream()
                    .filter(l -> !l.startsWith(name + ":")).toList());
        }
        Path home = root.resolve("home").resolve(name);
        if (Files.exists(home)) {
            try (Stream<Path> s = Files.walk(home)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private void shadow(String user, UnaryOperator<String> field) throws IOException {
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(root.resolve("etc/shadow"))) {
            String[] f = l.split(":", -1);
            if (f[0].equals(user)) {
                f[1] = field.apply(f[1]);
                l = String.join(":", f);
            }
            out.add(l);
        }
        Files.write(root.resolve("etc/shadow"), out);
    }

    private void append(String file, String line) throws IOException {
        Files.writeString(root.resolve(file), line + "\n", StandardOpenOption.APPEND);
    }
}
