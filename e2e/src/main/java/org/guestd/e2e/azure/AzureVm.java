// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e.azure;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.guestd.e2e.VmImage;

/**
 * A QEMU guest made to look like an Azure VM: the chassis asset tag Azure sets ({@code -smbios
 * type=3,asset=…}), the VM id as the SMBIOS UUID, the provisioning ISO with ovf-env.xml as its CD,
 * and two user-mode networks — {@code 168.63.129.0/24} and {@code 169.254.169.0/24}, since QEMU takes
 * a guestfwd address only inside its user network — whose guestfwd rules hand the guest's
 * connections to 168.63.129.16:80 and 169.254.169.254:80 to a forwarder (one process per
 * connection) that connects to the emulator on the host's loopback. Both networks are {@code
 * restrict=on}: no other packet leaves QEMU. Otherwise as the VM suite's {@code Vm}: the agent port,
 * the control shell port, QMP, the console in {@code console.log}.
 */
public final class AzureVm implements AutoCloseable {
    /** MAC of the NIC on the wire server's network. */
    public static final String WIRE_MAC = "52:54:00:a2:00:01";
    /** MAC of the NIC on IMDS's network. */
    public static final String IMDS_MAC = "52:54:00:a2:00:02";

    private final Process qemu;
    private final Path dir;
    private final long startNanos;

    private AzureVm(Process qemu, Path dir, long startNanos) {
        this.qemu = qemu;
        this.dir = dir;
        this.startNanos = startNanos;
    }

    /**
     * Boots the Azure case's initramfs.
     *
     * @param initrd the combined initramfs from {@code e2e/azure/prepare-azure.sh}
     * @param wireServer the emulator's wire server (loopback)
     * @param imds the emulator's IMDS (loopback)
     * @param iso the provisioning CD
     * @param vmId the SMBIOS system UUID
     */
    public static AzureVm boot(VmImage image, Path initrd, Path dir, URI wireServer, URI imds, Path iso, String vmId)
            throws IOException {
        Files.createDirectories(dir);
        for (String f : List.of("qga.sock", "ctl.sock", "qmp.sock", "console.log")) {
            Files.deleteIfExists(dir.resolve(f));
        }
        Path fwd = dir.resolve("fwd.py");
        Files.writeString(fwd, FORWARDER);
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64",
                "-machine", "pc", "-accel", "tcg,thread=multi,tb-size=256", "-cpu", "max", "-smp", "2", "-m", "1024",
                "-nodefaults", "-no-user-config", "-display", "none", "-serial", "file:" + dir.resolve("console.log"),
                "-kernel", image.kernel().toString(), "-initrd", initrd.toString(),
                "-append", "console=ttyS0 e2e.agent=guestd-azure",
                "-smbios", "type=1,uuid=" + vmId, "-smbios", "type=3,asset=7783-7084-3265-9085-8269-3286-77",
                "-netdev", net("wire", "168.63.129", "168.63.129.16", fwd, wireServer),
                "-device", "virtio-net-pci,netdev=wire,mac=" + WIRE_MAC,
                "-netdev", net("imds", "169.254.169", "169.254.169.254", fwd, imds),
                "-device", "virtio-net-pci,netdev=imds,mac=" + IMDS_MAC,
                "-cdrom", iso.toString(),
                "-device", "virtio-serial-pci,id=vser0",
                "-chardev", "socket,path=" + dir.resolve("qga.sock") + ",server=on,wait=off,id=qga0",
                "-device", "virtserialport,bus=vser0.0,chardev=qga0,name=org.qemu.guest_agent.0",
                "-chardev", "socket,path=" + dir.resolve("ctl.sock") + ",server=on,wait=off,id=ctl0",
                "-device", "virtserialport,bus=vser0.0,chardev=ctl0,name=org.guestd.e2e.ctl",
                "-qmp", "unix:" + dir.resolve("qmp.sock") + ",server=on,wait=off"));
        Files.writeString(dir.resolve("qemu.cmdline"), String.join(" ", cmd) + "\n");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("qemu.out").toFile()).start();
        p.getOutputStream().close();
        return new AzureVm(p, dir, t0);
    }

    private static String net(String id, String prefix, String address, Path fwd, URI target) {
        if (!target.getHost().equals("127.0.0.1")) {
            throw new IllegalArgumentException("the emulator must be on loopback: " + target);
        }
        // a comma inside a QEMU option value is written twice; the path has none
        return "user,id=" + id + ",net=" + prefix + ".0/24,host=" + prefix + ".1,dhcpstart=" + prefix + ".100,restrict=on,"
                + "guestfwd=tcp:" + address + ":80-cmd:python3 " + fwd + " " + target.getPort();
    }

    /** A one-connection relay: stdin/stdout (the guest's connection) to 127.0.0.1:PORT. */
    private static final String FORWARDER = """
            import os, select, socket, sys
            s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
            src_open = True
            while True:
                r, _, _ = select.select([0, s] if src_open else [s], [], [])
                if 0 in r:
                    d = os.read(0, 65536)
                    if d:
                        s.sendall(d)
                    else:
                        src_open = False
                        s.shutdown(socket.SHUT_WR)
                if s in r:
                    d = s.recv(65536)
                    if not d:
                        break
                    os.write(1, d)
            """;

    public Path dir() {
        return dir;
    }

    public Path qgaSocket() {
        return dir.resolve("qga.sock");
    }

    public Path ctlSocket() {
        return dir.resolve("ctl.sock");
    }

    public Path qmpSocket() {
        return dir.resolve("qmp.sock");
    }

    /** Nanoseconds (System.nanoTime) when QEMU was started. */
    public long startNanos() {
        return startNanos;
    }

    /** The guest console so far. */
    public String console() {
        try {
            return Files.readString(dir.resolve("console.log"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }

    /** The last lines of the console and of QEMU's output. */
    public String consoleTail(int lines) {
        StringBuilder sb = new StringBuilder();
        for (String f : List.of("console.log", "qemu.out")) {
            try {
                List<String> all = Files.readAllLines(dir.resolve(f), StandardCharsets.ISO_8859_1);
                sb.append("---- ").append(dir.resolve(f)).append('\n');
                all.subList(Math.max(0, all.size() - lines), all.size()).forEach(l -> sb.append(l).append('\n'));
            } catch (IOException e) {
                sb.append("---- ").append(f).append(": ").append(e.getMessage()).append('\n');
            }
        }
        return sb.toString();
    }

    public boolean alive() {
        return qemu.isAlive();
    }

    /** Stops QEMU (its pid only): SIGTERM, then SIGKILL after 5 s. */
    @Override
    public void close() {
        if (qemu.isAlive()) {
            qemu.destroy();
            try {
                if (!qemu.waitFor(5, TimeUnit.SECONDS)) {
                    qemu.destroyForcibly();
                    qemu.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** How long since QEMU started. */
    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
