// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.guestd.core.AgentException;
import org.guestd.jna.linux.Errno;

/** Reading a procfs table the way qemu-ga opens it: {@code open("/proc/x")} errors in its words. */
public final class ProcFile {
    private ProcFile() {}

    /**
     * The whole file as text (invalid UTF-8 becomes U+FFFD, as qemu's JSON output would show it).
     *
     * @param file the file under the injected proc root
     * @param shown the kernel path qemu-ga names in its error, e.g. {@code /proc/diskstats}
     * @throws AgentException {@code open("/proc/x"): <strerror>}
     */
    public static String read(Path file, String shown) throws AgentException {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw AgentException.generic(Errno.message("open(\"" + shown + "\")", e), e);
        }
    }

    /** getline(3) pieces: lines without their {@code \n}; no empty piece after a final newline. */
    public static String[] lines(String text) {
        if (text.isEmpty()) {
            return new String[0];
        }
        String t = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        return t.split("\n", -1);
    }
}
