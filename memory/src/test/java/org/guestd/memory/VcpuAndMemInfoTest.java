// SPDX-License-Identifier: Apache-2.0
package org.guestd.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.guestd.core.AgentException;
import org.guestd.core.spi.ServiceContext;
import org.guestd.core.testing.FakeClock;
import org.guestd.core.testing.FixtureTree;
import org.guestd.core.testing.TestContext;
import org.guestd.memory.VcpuControl.Request;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VcpuAndMemInfoTest {
    private static final String CPU = "sys/devices/system/cpu/";
    private static final String MEMINFO = """
            MemTotal:        8029040 kB
            MemFree:         1234568 kB
            MemAvailable:    5000000 kB
            Buffers:          100000 kB
            Cached:          3000000 kB
            SwapTotal:       2097148 kB
            SwapFree:        2097148 kB
            CommitLimit:     6111668 kB
            Committed_AS:    9876543 kB
            HugePages_Total:       0
            garbage line
            Bad:        x kB
            """;

    @TempDir
    Path tmp;

    private FixtureTree tree;

    @BeforeEach
    void setUp() {
        tree = new FixtureTree(tmp);
        tree.mkdirs(CPU + "cpu0"); // no online file, as on most x86 guests
        tree.file(CPU + "cpu1/online", "1\n");
        tree.file(CPU + "cpu2/online", "0\n");
    }

    private VcpuControl vcpus() {
        return new SysfsVcpuControl(tree.paths());
    }

    private String online(int n) throws Exception {
        return Files.readString(tmp.resolve(CPU + "cpu" + n + "/online"));
    }

    @Test
    void setWritesOnlyChangesAndCountsProcessed() throws Exception {
        assertEquals(4, vcpus().set(List.of(new Request(0, true), new Request(1, false), new Request(2, true),
                new Request(2, true))));
        assertEquals("0\n", online(1));
        assertEquals("1\n", online(2));
    }

    @Test
    void cpu0CannotBeOfflined() {
        AgentException e = assertThrows(AgentException.class, () -> vcpus().set(List.of(new Request(0, false))));
        assertEquals("logical processor #0 can't be offlined", e.getMessage());
    }

    @Test
    void stopsAtTheFirstFailureAndReturnsTheCount() throws Exception {
        assertEquals(1, vcpus().set(List.of(new Request(1, false), new Request(0, false), new Request(2, true))));
        assertEquals("0\n", online(1));
        assertEquals("0\n", online(2), "nothing after the failure is applied");
    }

    @Test
    void missingCpuText() {
        AgentException e = assertThrows(AgentException.class, () -> vcpus().set(List.of(new Request(9, true))));
        assertEquals("open(\"/sys/devices/system/cpu/cpu9/\"): No such file or directory", e.getMessage());
    }

    @Test
    void emptyListProcessesNothing() throws Exception {
        assertEquals(0, vcpus().set(List.of()));
    }

    @Test
    void emptyOnlineFileIsUnexpectedEof() {
        tree.file(CPU + "cpu3/online", "");
        AgentException e = assertThrows(AgentException.class, () -> vcpus().set(List.of(new Request(3, true))));
        assertEquals("pread(\"/sys/devices/system/cpu/cpu3//online\"): unexpected EOF", e.getMessage());
    }

    @Test
    void onlineThatIsADirectoryFailsToOpen() {
        tree.mkdirs(CPU + "cpu4/online");
        AgentException e = assertThrows(AgentException.class, () -> vcpus().set(List.of(new Request(4, true))));
        assertEquals("open(\"/sys/devices/system/cpu/cpu4//online\"): Is a directory", e.getMessage());
    }

    @Test
    void kernelRefusalIsPwriteError() {
        Sysfs refusing = new Sysfs() {
            @Override
            SeekableByteChannel openReadWrite(Path file) throws SysfsException {
                SeekableByteChannel real = super.openReadWrite(file);
                return new SeekableByteChannel() {
                    @Override
                    public int read(ByteBuffer dst) throws IOException {
                        return real.read(dst);
                    }

                    @Override
                    public int write(ByteBuffer src) throws IOException {
                        throw new IOException("Device or resource busy");
                    }

                    @Override
                    public long position() throws IOException {
                        return real.position();
                    }

                    @Override
                    public SeekableByteChannel position(long p) throws IOException {
                        real.position(p);
                        return this;
                    }

                    @Override
                    public long size() throws IOException {
                        return real.size();
                    }

                    @Override
                    public SeekableByteChannel truncate(long size) throws IOException {
                        return this;
                    }

                    @Override
                    public boolean isOpen() {
                        return real.isOpen();
                    }

                    @Override
                    public void close() throws IOException {
                        real.close();
                    }
                };
            }
        };
        AgentException e = assertThrows(AgentException.class,
                () -> new SysfsVcpuControl(tree.paths(), refusing).set(List.of(new Request(1, false))));
        assertEquals("pwrite(\"/sys/devices/system/cpu/cpu1//online\"): Device or resource busy", e.getMessage());
    }

    @Test
    void meminfoParsesKbToBytes() {
        MemInfo m = MemInfo.parse(MEMINFO.getBytes(), 42);
        assertEquals(42, m.realtimeNanos());
        assertEquals(OptionalLong.of(8029040L * 1024), m.total());
        assertEquals(OptionalLong.of(1234568L * 1024), m.free());
        assertEquals(OptionalLong.of(5000000L * 1024), m.available());
        assertEquals(OptionalLong.of(9876543L * 1024), m.committedAs());
        assertEquals(OptionalLong.of(6111668L * 1024), m.commitLimit());
        assertEquals(OptionalLong.of(2097148L * 1024), m.swapTotal());
        assertEquals(OptionalLong.of(2097148L * 1024), m.swapFree());
        assertEquals(OptionalLong.of(100000L * 1024), m.buffers());
        assertEquals(OptionalLong.of(3000000L * 1024), m.cached());
        assertEquals(OptionalLong.of(0), m.get("HugePages_Total"));
        assertFalse(m.values().containsKey("Bad"));
        assertEquals(10, m.values().size());
    }

    @Test
    void oldKernelWithoutMemAvailable() {
        assertTrue(MemInfo.parse("MemTotal: 1 kB\n".getBytes(), 0).available().isEmpty());
    }

    @Test
    void samplerReadsUpdatesLatestAndNotifies() throws Exception {
        tree.file("proc/meminfo", MEMINFO);
        FakeClock clock = new FakeClock(7);
        ProcMemInfoSampler s = new ProcMemInfoSampler(tree.paths(), clock);
        assertTrue(s.latest().isEmpty());
        List<MemInfo> seen = new ArrayList<>();
        AutoCloseable sub = s.onSample(seen::add);
        s.onSample(m -> {
            throw new IllegalStateException("bad listener");
        });
        MemInfo m = s.read();
        assertSame(m, s.latest().orElseThrow());
        assertEquals(List.of(m), seen);
        sub.close();
        s.read();
        assertEquals(1, seen.size());
        assertEquals(7, m.realtimeNanos());
    }

    @Test
    void samplerErrorWhenUnreadable() {
        AgentException e = assertThrows(AgentException.class,
                () -> new ProcMemInfoSampler(tree.paths(), new FakeClock(0)).read());
        assertTrue(e.getMessage().startsWith("cannot read /proc/meminfo"), e.getMessage());
    }

    @Test
    void serviceExportsAndSchedulesTheSampler() throws Exception {
        tree.file("proc/meminfo", MEMINFO);
        List<Runnable> tasks = new ArrayList<>();
        List<Duration> periods = new ArrayList<>();
        TestContext base = new TestContext("memory").paths(tree.paths()).config(Map.of("meminfo-interval", "15s"));
        ServiceContext ctx = new DelegatingContext(base) {
            @Override
            public AutoCloseable every(Duration period, String taskName, Runnable task) {
                periods.add(period);
                tasks.add(task);
                return () -> {};
            }
        };
        new MemoryService().start(ctx);
        assertEquals(List.of(Duration.ofSeconds(15)), periods);
        MemInfoSampler s = base.require(MemInfoSampler.class);
        assertTrue(s.latest().isEmpty());
        tasks.get(0).run();
        assertEquals(OptionalLong.of(8029040L * 1024), s.latest().orElseThrow().total());
        base.require(MemoryBlocks.class);
        base.require(VcpuControl.class);
    }

    @Test
    void intervalZeroSchedulesNothing() throws Exception {
        TestContext ctx = new TestContext("memory").paths(tree.paths()).config(Map.of("meminfo-interval", "0"));
        new MemoryService().start(ctx); // TestContext.every would throw
        assertTrue(ctx.lookup(MemInfoSampler.class).isPresent());
        assertThrows(AgentException.class, () -> new MemoryService()
                .start(new TestContext("memory").config(Map.of("meminfo-interval", "-5"))));
    }
}
