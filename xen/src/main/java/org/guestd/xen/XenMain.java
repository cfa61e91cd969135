// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.guestd.transport.IoLoop;
import org.guestd.xen.client.XenbusConnector;
import org.guestd.xen.client.XenstoreClient;
import org.guestd.xen.keys.PvAddonsKeys;
import org.guestd.xen.keys.UpdatedStamp;
import org.guestd.xen.keys.XenKeyWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Interim runner of the Xen channel, until the agent wires it as a service (after the fact publisher
 * lands): connects to xenstore and keeps {@code attr/PVAddons/*} (guestd's version),
 * {@code control/feature-balloon} and {@code data/os_*} (from os-release and the kernel release: a
 * minimal placeholder for the guest-info facts) written, again after every reconnect, then
 * {@code data/updated} when anything changed (as xe-guest-utilities does after each batch). The nested-Xen
 * harness (e2e/xen) starts it in the domU.
 *
 * <pre>java -cp ... org.guestd.xen.XenMain [--xenbus-device PATH|fd:N|off] [--root DIR]</pre>
 * {@code --root} prefixes /dev, /proc and /etc (tests).
 */
public final class XenMain {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.xen");

    private XenMain() {}

    public static void main(String[] args) throws Exception {
        String device = null;
        Path root = Path.of("/");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--xenbus-device" -> device = args[++i];
                case "--root" -> root = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: XenMain [--xenbus-device PATH|fd:N|off] [--root DIR]");
                    System.exit(2);
                }
            }
        }
        Path rootDir = root;
        IoLoop loop = IoLoop.create();
        var connector = XenbusConnector.of(device, root.resolve("dev"), root.resolve("proc"), loop);
        if (connector.isEmpty()) {
            LOG.info("xen channel off");
            return;
        }
        XenstoreClient client = new XenstoreClient(connector.get(), loop.eventLoop());
        XenKeyWriter writer = new XenKeyWriter(client);
        String version = version();
        client.addConnectionListener(generation -> {
            if (generation > 1) {
                writer.forget();
            }
            Map<String, String> keys = keys(version, rootDir);
            writer.apply(keys).thenAccept(r -> {
                LOG.info("xenstore keys: {} written, {} removed, {} refused {}, {} failed {}", r.written().size(),
                        r.removed().size(), r.refused().size(), r.refused(), r.failed().size(), r.failed());
                if (r.changedAnything()) {
                    client.write("data/updated", UpdatedStamp.now());
                }
            });
        });
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            client.close();
            loop.close();
            stop.countDown();
        }, "guestd-xen-stop"));
        LOG.info("guestd {} xen channel starting on {}", version, connector.get().describe());
        client.start();
        stop.await();
    }

    /** guestd's version, from the build. */
    static String version() {
        try (InputStream in = XenMain.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "0");
        } catch (IOException e) {
            return "0";
        }
    }

    /** PVAddons, feature-balloon and the os_* placeholder keys. */
    static Map<String, String> keys(String version, Path root) {
        Map<String, String> keys = new LinkedHashMap<>(PvAddonsKeys.of(version));
        keys.put("control/feature-balloon", "1");
        Map<String, String> os = osRelease(root.resolve("etc/os-release"));
        String id = os.getOrDefault("ID", "linux");
        String ver = os.getOrDefault("VERSION_ID", "");
        String[] v = ver.split("\\.");
        keys.put("data/os_distro", id);
        keys.put("data/os_name", os.getOrDefault("PRETTY_NAME", os.getOrDefault("NAME", "Linux")));
        if (!v[0].isEmpty()) {
            keys.put("data/os_majorver", v[0]);
        }
        if (v.length > 1) {
            keys.put("data/os_minorver", v[1]);
        }
        try {
            keys.put("data/os_uname", Files.readString(root.resolve("proc/sys/kernel/osrelease")).strip());
        } catch (IOException e) {
            LOG.debug("no kernel release: {}", e.getMessage());
        }
        return keys;
    }

    private static Map<String, String> osRelease(Path file) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0 && !line.startsWith("#")) {
                    String v = line.substring(eq + 1).strip();
                    if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
                        v = v.substring(1, v.length() - 1);
                    }
                    out.put(line.substring(0, eq).strip(), v);
                }
            }
        } catch (IOException e) {
            LOG.debug("no os-release: {}", e.getMessage());
        }
        return out;
    }
}
