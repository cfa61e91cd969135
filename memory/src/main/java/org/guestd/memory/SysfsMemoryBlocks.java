// SPDX-License-Identifier: Apache-2.0
package org.guestd.memory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.guestd.core.AgentException;
import org.guestd.core.env.HostPaths;
import org.guestd.jna.linux.Errno;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MemoryBlocks} over sysfs, following qemu-ga's {@code transfer_memory_block}: the same
 * files, byte limits, result codes and errno reporting. Error texts name the paths as qemu-ga
 * does ({@code /sys/...}), whatever the injected root.
 */
public final class SysfsMemoryBlocks implements MemoryBlocks {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.memory");
    static final String DIR_NAME = "/sys/devices/system/memory/";

    private final HostPaths paths;
    private final Sysfs sysfs;

    public SysfsMemoryBlocks(HostPaths paths) {
        this(paths, new Sysfs());
    }

    SysfsMemoryBlocks(HostPaths paths, Sysfs sysfs) {
        this.paths = Objects.requireNonNull(paths);
        this.sysfs = Objects.requireNonNull(sysfs);
    }

    private Path dir() {
        return paths.sys("devices/system/memory");
    }

    @Override
    public List<Block> list() throws AgentException {
        List<Block> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir())) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (!name.startsWith("memory") || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                out.add(readBlock(p, strtoul(name.substring(6))));
            }
        } catch (NoSuchFileException e) {
            return out; // no memory hotplug in this guest: an empty list, as qemu-ga
        } catch (IOException e) {
            throw AgentException.generic("Can't open directory\"" + DIR_NAME + "\": " + Errno.text(Errno.of(e)), e);
        }
        if (out.isEmpty()) {
            throw AgentException.generic("guest reported zero memory blocks!");
        }
        return out;
    }

    private Block readBlock(Path blockDir, long index) throws AgentException {
        String state;
        try {
            state = ascii(sysfs.read(blockDir.resolve("state"), 10));
        } catch (SysfsException e) {
            if (e.isNotFound()) {
                return new Block(index, true, false); // old kernels: no state file
            }
            throw AgentException.generic(readError(e, "state"));
        }
        boolean canOffline;
        try {
            canOffline = sysfs.read(blockDir.resolve("removable"), 1)[0] != '0';
        } catch (SysfsException e) {
            if (!e.isNotFound()) {
                throw AgentException.generic(readError(e, "removable"));
            }
            canOffline = false;
        }
        return new Block(index, state.startsWith("online"), canOffline);
    }

    @Override
    public List<Result> set(List<Request> requests) {
        List<Result> out = new ArrayList<>(requests.size());
        for (Request r : requests) {
            out.add(setOne(r));
        }
        return out;
    }

    private Result setOne(Request r) {
        long idx = r.physIndex();
        Path dir = dir();
        if (!Files.isDirectory(dir)) {
            return Files.exists(dir)
                    ? new Result(idx, Response.SUCCESS, Sysfs.notADirectory(dir)) // qemu-ga: opendir failed, not ENOENT
                    : new Result(idx, Response.OPERATION_NOT_SUPPORTED, Sysfs.notADirectory(dir));
        }
        Path block = dir.resolve("memory" + Long.toUnsignedString(idx));
        if (!Files.isDirectory(block)) {
            int errno = Sysfs.notADirectory(block, LinkOption.NOFOLLOW_LINKS);
            return Files.exists(block, LinkOption.NOFOLLOW_LINKS)
                    ? new Result(idx, Response.OPERATION_FAILED, errno)
                    : new Result(idx, Response.NOT_FOUND, errno);
        }
        String state;
        try {
            state = ascii(sysfs.read(block.resolve("state"), 10));
        } catch (SysfsException e) {
            if (e.isNotFound()) {
                // no state file: offlining is unsupported; onlining "succeeds" but still carries errno
                return new Result(idx, r.online() ? Response.SUCCESS : Response.OPERATION_NOT_SUPPORTED, e.errno());
            }
            return new Result(idx, Response.OPERATION_FAILED, e.errno());
        }
        if (r.online() == state.startsWith("online")) {
            return new Result(idx, Response.SUCCESS, null); // already there
        }
        String target = r.online() ? "online" : "offline";
        try {
            sysfs.write(block.resolve("state"), target);
        } catch (SysfsException e) {
            LOG.info("memory{} {}: {}", Long.toUnsignedString(idx), target, e.reason());
            return new Result(idx, Response.OPERATION_FAILED, e.errno());
        }
        LOG.info("memory{} set {}", Long.toUnsignedString(idx), target);
        return new Result(idx, Response.SUCCESS, null);
    }

    @Override
    public long blockSizeBytes() throws AgentException {
        if (!Files.isDirectory(dir())) {
            throw AgentException.generic("open(\"" + DIR_NAME + "\"): " + Errno.text(Sysfs.notADirectory(dir())));
        }
        try {
            return strtolHex(ascii(sysfs.read(dir().resolve("block_size_bytes"), 20)));
        } catch (SysfsException e) {
            throw AgentException.generic(readError(e, "block_size_bytes"));
        }
    }

    /** qemu-ga's {@code ga_read_sysfs_file} texts. */
    private static String readError(SysfsException e, String file) {
        String what = (e.op() == SysfsException.Op.OPEN ? "open" : "pread") + " sysfs file \"" + file + "\"";
        return e.describe(what);
    }

    private static String ascii(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** strtoul(s, NULL, 10) for the digits after "memory": leading digits, 0 when none, ULONG_MAX on overflow. */
    static long strtoul(String s) {
        int n = 0;
        while (n < s.length() && s.charAt(n) >= '0' && s.charAt(n) <= '9') {
            n++;
        }
        if (n == 0) {
            return 0;
        }
        try {
            return Long.parseUnsignedLong(s.substring(0, n));
        } catch (NumberFormatException e) {
            return -1L;
        }
    }

    /** strtol(s, NULL, 16): whitespace, sign, optional 0x, hex digits; LONG_MAX/MIN on overflow. */
    static long strtolHex(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        if ((s.startsWith("0x", i) || s.startsWith("0X", i)) && i + 2 < s.length()
                && Character.digit(s.charAt(i + 2), 16) >= 0) {
            i += 2;
        }
        long v = 0;
        for (; i < s.length(); i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0 || s.charAt(i) >= 128) {
                break;
            }
            if (v > (Long.MAX_VALUE - d) / 16) {
                return neg ? Long.MIN_VALUE : Long.MAX_VALUE;
            }
            v = v * 16 + d;
        }
        return neg ? -v : v;
    }
}
