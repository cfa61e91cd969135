// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * One QEMU guest under TCG (no usable KVM on CI machines): the e2e initramfs on the Debian kernel,
 * the agent port {@code org.qemu.guest_agent.0} and the control port {@code org.guestd.e2e.ctl} on
 * host Unix sockets, virtio-balloon, the test disk (snapshot=on, so the cached image stays clean),
 * a QMP socket, and room for one hot-plugged 128 MiB DIMM. Without {@code -no-reboot}, so a guest
 * reboot resets the machine; a guest power-off ends QEMU with status 0.
 */
public final class Vm implements AutoCloseable {

    /** Guest memory (MiB) and vCPUs: small enough for TCG on a shared CI machine. */
    public static final int MEMORY_MIB = 1024;
    /** Guest vCPUs. */
    public static final int VCPUS = 2;

    private final Process qemu;
    private final Path dir;
    private final long startNanos;

    private Vm(Process qemu, Path dir, long startNanos) {
        this.qemu = qemu;
        this.dir = dir;
        this.startNanos = startNanos;
    }

    /** Boots the image with the given agent as the guest's agent; sockets and the console log in {@code dir}. */
    public static Vm boot(VmImage image, Agent agent, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String f : List.of("qga.sock", "ctl.sock", "qmp.sock", "console.log")) {
            Files.deleteIfExists(dir.resolve(f));
        }
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64",
                "-machine", "pc", "-accel", "tcg,thread=multi,tb-size=256", "-cpu", "max",
                "-smp", String.valueOf(VCPUS), "-m", MEMORY_MIB + ",slots=2,maxmem=" + (2 * MEMORY_MIB) + "M",
                "-nodefaults", "-no-user-config", "-nic", "none",
                "-display", "none", "-serial", "file:" + dir.resolve("console.log"),
                "-kernel", image.kernel().toString(), "-initrd", image.initrd().toString(),
                "-append", "console=ttyS0 e2e.agent=" + agent.id(),
                "-device", "virtio-serial-pci,id=vser0",
                "-chardev", "socket,path=" + dir.resolve("qga.sock") + ",server=on,wait=off,id=qga0",
                "-device", "virtserialport,bus=vser0.0,chardev=qga0,name=org.qemu.guest_agent.0",
                "-chardev", "socket,path=" + dir.resolve("ctl.sock") + ",server=on,wait=off,id=ctl0",
                "-device", "virtserialport,bus=vser0.0,chardev=ctl0,name=org.guestd.e2e.ctl",
                "-device", "virtio-balloon-pci,id=balloon0",
                "-drive", "file=" + image.disk() + ",format=raw,if=virtio,snapshot=on",
                "-qmp", "unix:" + dir.resolve("qmp.sock") + ",server=on,wait=off"));
        Files.writeString(dir.resolve("qemu.cmdline"), String.join(" ", cmd) + "\n");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("qemu.out").toFile())
                .start();
        p.getOutputStream().close();
        return new Vm(p, dir, t0);
    }

    /** The host end of the agent's port. */
    public Path qgaSocket() {
        return dir.resolve("qga.sock");
    }

    /** The host end of the control shell's port. */
    public Path ctlSocket() {
        return dir.resolve("ctl.sock");
    }

    /** QEMU's QMP socket. */
    public Path qmpSocket() {
        return dir.resolve("qmp.sock");
    }

    /** Milliseconds since QEMU was started. */
    public long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Whether QEMU still runs. */
    public boolean alive() {
        return qemu.isAlive();
    }

    /** Waits for QEMU to exit; its status, or empty if it still runs after {@code timeout}. */
    public OptionalInt waitExit(Duration timeout) {
        try {
            return qemu.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    ? OptionalInt.of(qemu.exitValue()) : OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.empty();
        }
    }

    /** The last {@code lines} lines of the guest console (serial port) and of QEMU's own output. */
    public String consoleTail(int lines) {
        StringBuilder sb = new StringBuilder();
        for (String f : List.of("console.log", "qemu.out")) {
            try {
                List<String> all = Files.readAllLines(dir.resolve(f), StandardCharsets.ISO_8859_1);
                sb.append("---- ").append(dir.resolve(f)).append(" (last ").append(lines).append(" lines)\n");
                all.subList(Math.max(0, all.size() - lines), all.size()).forEach(l -> sb.append(l).append('\n'));
            } catch (IOException e) {
                sb.append("---- ").append(f).append(": ").append(e.getMessage()).append('\n');
            }
        }
        return sb.toString();
    }

    /** Stops QEMU if it still runs: SIGTERM to its pid, then SIGKILL after 5 s. */
    @Override
    public void close() {
        if (qemu.isAlive()) {
            qemu.destroy();
            if (waitExit(Duration.ofSeconds(5)).isEmpty()) {
                qemu.destroyForcibly();
                waitExit(Duration.ofSeconds(5));
            }
        }
    }
}
