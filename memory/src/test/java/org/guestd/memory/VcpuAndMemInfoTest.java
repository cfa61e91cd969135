// SPDX-License-Identifier: Apache-2.0
package org.guestd.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import org.guestd.core.config.ConfigSection;
import org.guestd.core.facts.Fact;
import org.guestd.core.facts.FactKind;
import org.guestd.core.facts.FactListener;
import org.guestd.core.facts.FactPublisher;
import org.guestd.core.facts.MemoryFact;
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
    void samplerReadsAndUpdatesLatest() throws Exception {
        tree.file("proc/meminfo", MEMINFO);
        FakeClock clock = new FakeClock(7);
        ProcMemInfoSampler s = new ProcMemInfoSampler(tree.paths(), clock);
        assertTrue(s.latest().isEmpty());
        MemInfo m = s.read();
        assertSame(m, s.latest().orElseThrow());
        assertEquals(7, m.realtimeNanos());
    }

    @Test
    void samplerErrorWhenUnreadable() {
        AgentException e = assertThrows(AgentException.class,
                () -> new ProcMemInfoSampler(tree.paths(), new FakeClock(0)).read());
        assertTrue(e.getMessage().startsWith("cannot read /proc/meminfo"), e.getMessage());
    }

    @Test
    void memoryFactIsPublishedEveryIntervalWhileSomeoneListens() throws Exception {
        tree.file("proc/meminfo", MEMINFO);
        FactPublisher facts = new FactPublisher();
        Duration interval = MemoryFacts.interval(new ConfigSection("memory", Map.of("meminfo-interval", "15s")));
        MemoryFacts.register(facts, new ProcMemInfoSampler(tree.paths(), new FakeClock(0)), interval);
        TestContext ctx = new TestContext("facts").recordPeriodic();
        facts.start(ctx);
        assertEquals(List.of(), ctx.periodic, "nobody listens: nothing is sampled");
        List<Fact<?>> seen = new ArrayList<>();
        facts.subscribe(new FactListener() {
            @Override
            public void changed(Fact<?> f) {
                seen.add(f);
            }

            @Override
            public void withdrawn(Fact.Id id) {
                throw new AssertionError("withdrawn " + id);
            }
        });
        assertEquals(1, ctx.periodic.size());
        assertEquals(Duration.ofSeconds(15), ctx.periodic.get(0).period);
        MemoryFact expected = new MemoryFact(8029040L * 1024, 1234568L * 1024, 5000000L * 1024);
        assertEquals(List.of(new Fact<>(FactKind.MEMORY, FactKind.SINGLE, expected)), seen, "read once on subscribe");
        ctx.periodic.get(0).run();
        assertEquals(1, seen.size(), "unchanged: not pushed again");
        tree.file("proc/meminfo", MEMINFO.replace("MemAvailable:    5000000 kB", "MemAvailable:    1000 kB"));
        ctx.periodic.get(0).run();
        assertEquals(2, seen.size());
        assertEquals(1000L * 1024, ((MemoryFact) seen.get(1).value()).availableBytes());
    }

    @Test
    void availableIsEstimatedOnOldKernelsAndNoTotalIsNoFact() {
        MemInfo old = MemInfo.parse(("MemTotal: 100 kB\nMemFree: 10 kB\nActive(file): 5 kB\nInactive(file): 3 kB\n"
                + "SReclaimable: 2 kB\n").getBytes(), 0);
        assertEquals(new MemoryFact(100 * 1024, 10 * 1024, 20 * 1024), old.toFact());
        assertNull(MemInfo.parse("MemFree: 1 kB\n".getBytes(), 0).toFact());
    }

    @Test
    void negativeIntervalIsRefused() {
        assertThrows(AgentException.class,
                () -> MemoryFacts.interval(new ConfigSection("memory", Map.of("meminfo-interval", "-5"))));
    }
}
