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
    void samplerReadsMeminfoPressureAndBalloonAndKeepsTheLatest() throws Exception {
        tree.file("proc/meminfo", MEMINFO);
        tree.file("proc/pressure/memory", "some avg10=12.50 avg60=3.00 avg300=1.00 total=123456\n"
                + "full avg10=1.25 avg60=0.50 avg300=0.10 total=789\n");
        tree.file("sys/kernel/debug/virtio-balloon", "inflated_pages: 65536\ninflated_free_page_hinting: 0\n");
        MemorySampler s = new MemorySampler(tree.paths(), new FakeClock(7));
        assertTrue(s.latest().isEmpty());
        MemoryFact f = s.sample();
        assertSame(f, s.latest().orElseThrow());
        assertEquals(8029040L * 1024, f.totalBytes());
        assertEquals(5000000L * 1024, f.availableBytes());
        assertEquals(9876543L * 1024, f.committedBytes());
        assertEquals(new MemoryFact.Pressure(12.5, 3.0, 123456, 1.25, 0.5, 789), f.pressure());
        assertEquals(65536L * 4096, f.balloonBytes());
        assertEquals(7, f.sampledAtNanos());
    }

    @Test
    void withoutPsiOrBalloonThoseAreUnknown() throws Exception {
        tree.file("proc/meminfo", MEMINFO);
        MemoryFact f = new MemorySampler(tree.paths(), new FakeClock(0)).sample();
        assertNull(f.pressure());
        assertEquals(-1, f.balloonBytes());
        tree.file("sys/kernel/debug/hv-balloon", "host_version : 2.0\npages_ballooned : 1000\n");
        assertEquals(1000L * 4096, new MemorySampler(tree.paths(), new FakeClock(0)).sample().balloonBytes());
    }

    @Test
    void samplerErrorWhenUnreadable() {
        AgentException e = assertThrows(AgentException.class,
                () -> new MemorySampler(tree.paths(), new FakeClock(0)).sample());
        assertTrue(e.getMessage().startsWith("cannot read /proc/meminfo"), e.getMessage());
    }

    private final List<MemoryFact> reported = new ArrayList<>();
    private TestContext ctx;

    /** A reporter registered on a started publisher with one listening channel that records what it is told. */
    private MemoryReporter reporter(FakeClock clock, Map<String, String> config) throws Exception {
        MemoryReporter r = new MemoryReporter(new ConfigSection("memory", config), new MemorySampler(tree.paths(), clock),
                clock);
        FactPublisher facts = new FactPublisher();
        r.register(facts);
        ctx = new TestContext("facts").recordPeriodic();
        facts.start(ctx);
        facts.subscribe(new FactListener() {
            @Override
            public void changed(Fact<?> f) {
                reported.add((MemoryFact) f.value());
            }

            @Override
            public void withdrawn(Fact.Id id) {
                throw new AssertionError("withdrawn " + id);
            }
        });
        return r;
    }

    private void available(long kb) {
        tree.file("proc/meminfo", MEMINFO.replace("MemAvailable:    5000000 kB", "MemAvailable:    " + kb + " kB"));
    }

    @Test
    void reportsEveryIntervalAndAtOnceWhenAvailableMovesOrPressureCrosses() throws Exception {
        FakeClock clock = new FakeClock(0);
        available(5_000_000);
        reporter(clock, Map.of());
        assertEquals(1, reported.size(), "the first sample is reported when a channel subscribes");
        assertEquals(Duration.ofSeconds(5), ctx.periodic.get(0).period);
        Runnable check = () -> ctx.periodic.get(0).run();
        clock.advance(5_000_000_000L);
        available(5_010_000); // +10 MB of 8 GB: below 5 %
        check.run();
        assertEquals(1, reported.size(), "small move within the interval: not reported");
        clock.advance(5_000_000_000L);
        check.run();
        assertEquals(2, reported.size(), "the report interval (10 s) elapsed");
        clock.advance(1_000_000_000L);
        available(5_010_000 - 500_000); // -500 MB: more than 5 % of 7.7 GB
        check.run();
        assertEquals(3, reported.size(), "a big move is reported at once");
        clock.advance(1_000_000_000L);
        tree.file("proc/pressure/memory", "some avg10=25.00 avg60=3.00 avg300=1.00 total=1\n");
        check.run();
        assertEquals(4, reported.size(), "pressure crossed the threshold");
        clock.advance(1_000_000_000L);
        check.run();
        assertEquals(4, reported.size(), "still above: nothing new");
        tree.file("proc/pressure/memory", "some avg10=2.00 avg60=3.00 avg300=1.00 total=2\n");
        check.run();
        assertEquals(5, reported.size(), "back below");
    }

    @Test
    void nothingIsSampledWhileNoChannelListens() throws Exception {
        tree.file("proc/meminfo", MEMINFO);
        MemoryReporter r = new MemoryReporter(new ConfigSection("memory", Map.of()),
                new MemorySampler(tree.paths(), new FakeClock(0)), new FakeClock(0));
        FactPublisher facts = new FactPublisher();
        r.register(facts);
        TestContext c = new TestContext("facts").recordPeriodic();
        facts.start(c);
        assertEquals(List.of(), c.periodic, "no listener: no timer, no wake-ups");
    }

    @Test
    void availableIsEstimatedOnOldKernelsAndNoTotalIsNoFact() {
        MemInfo old = MemInfo.parse(("MemTotal: 100 kB\nMemFree: 10 kB\nActive(file): 5 kB\nInactive(file): 3 kB\n"
                + "SReclaimable: 2 kB\n").getBytes(), 0);
        MemoryFact f = old.toFact(null, -1);
        assertEquals(100 * 1024, f.totalBytes());
        assertEquals(20 * 1024, f.availableBytes());
        assertNull(MemInfo.parse("MemFree: 1 kB\n".getBytes(), 0).toFact(null, -1));
    }

    @Test
    void configIsChecked() throws Exception {
        assertThrows(AgentException.class, () -> new MemoryReporter(new ConfigSection("memory",
                Map.of("report-interval", "-5")), new MemorySampler(tree.paths(), new FakeClock(0)), new FakeClock(0)));
        assertThrows(AgentException.class, () -> new MemoryReporter(new ConfigSection("memory",
                Map.of("available-threshold", "150")), new MemorySampler(tree.paths(), new FakeClock(0)),
                new FakeClock(0)));
        MemoryReporter off = new MemoryReporter(new ConfigSection("memory", Map.of("report-interval", "0")),
                new MemorySampler(tree.paths(), new FakeClock(0)), new FakeClock(0));
        FactPublisher facts = new FactPublisher();
        off.register(facts);
        assertEquals(List.of(), facts.current());
        MemoryReporter fast = new MemoryReporter(new ConfigSection("memory", Map.of("report-interval", "2s")),
                new MemorySampler(tree.paths(), new FakeClock(0)), new FakeClock(0));
        assertEquals(Duration.ofSeconds(2), fast.checkInterval(), "checks at most every report interval");
    }

    @Test
    void latestWithinSamplesOnlyWhenTheLastSampleIsOld() throws Exception {
        available(5_000_000);
        FakeClock clock = new FakeClock(1_000_000_000_000L);
        MemorySampler s = new MemorySampler(tree.paths(), clock);
        MemoryFact first = s.latestWithin(Duration.ofSeconds(5)); // none yet: sampled
        assertSame(first, s.latest().orElseThrow());
        clock.advance(5_000_000_000L);
        assertSame(first, s.latestWithin(Duration.ofSeconds(5)), "5 s old: still recent");
        clock.advance(1);
        MemoryFact second = s.latestWithin(Duration.ofSeconds(5));
        assertEquals(clock.realtimeNanos(), second.sampledAtNanos(), "older: a new sample");
        clock.setRealtimeNanos(0); // the clock was set back: a sample "from the future" is not trusted
        assertEquals(0, s.latestWithin(Duration.ofSeconds(5)).sampledAtNanos());
    }
}
