// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.guestd.host.qga.QgaClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Black-box: under a stand-in for systemd's notification socket, the built agent says READY once
 * QGA answers, feeds the watchdog at half of WATCHDOG_USEC, and says STOPPING on SIGTERM.
 */
class SystemdNotifyIT {
    @TempDir
    Path state;

    @Test
    void readyWatchdogStopping() throws Exception {
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        Path notify = state.resolve("notify");
        try {
            Channel ch = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                    .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
                            got.add(p.content().toString(StandardCharsets.UTF_8));
                        }
                    }).bind(new DomainSocketAddress(notify.toFile())).sync().channel();
            try (AgentProcess a = AgentProcess.start(state,
                    Map.of("NOTIFY_SOCKET", notify.toString(), "WATCHDOG_USEC", "400000"))) {
                String ready = next(got, "READY=1");
                assertTrue(ready.contains("STATUS=serving QGA on unix-listen " + a.socket), ready);
                try (QgaClient c = QgaClient.connect(a.socket, Duration.ofSeconds(30))) {
                    assertTrue(!c.execute("guest-ping").isError()); // READY means the channel answers
                }
                next(got, "WATCHDOG=1");
                next(got, "WATCHDOG=1");
                assertEquals(0, a.terminate(), a.logText());
                assertTrue(next(got, "STOPPING=1").contains("STATUS=stopping"));
            }
            ch.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** The next message starting with {@code prefix}, skipping others; 60 s hang guard. */
    private static String next(BlockingQueue<String> q, String prefix) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            String m = q.poll(1, TimeUnit.SECONDS);
            if (m != null && m.startsWith(prefix)) {
                return m;
            }
        }
        assertNotNull(null, "no " + prefix + " message");
        return null;
    }
}
