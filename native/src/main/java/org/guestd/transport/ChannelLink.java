// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.guestd.core.log.HostWarnings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Link} over a Netty stream channel (an accepted Unix domain socket client). Writes go
 * through the same ordered {@link OutboundQueue} as the fd links and are handed to Netty while
 * the channel is writable. Reading is paused by turning Netty's auto-read off (the epoll read
 * interest goes with it), for the owner's {@link #pauseReading} or while more than {@link
 * Link#READ_PAUSE_ABOVE_BYTES} wait in the queue.
 */
final class ChannelLink extends ChannelInboundHandlerAdapter implements Link {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.transport");
    private static final HostWarnings WARNINGS = new HostWarnings(LOG);

    private final Channel channel;
    private final String describe;
    private final Link.Handler handler;
    private final Consumer<ChannelLink> onClosed;
    private final OutboundQueue out = new OutboundQueue(OutboundQueue.DEFAULT_LIMIT);
    private volatile boolean active;
    private volatile boolean closeRequested;
    private volatile boolean ownerPaused;
    private volatile boolean outputPaused; // written on the loop only
    private boolean failureLogged; // loop-confined

    ChannelLink(Channel channel, String describe, Link.Handler handler, Consumer<ChannelLink> onClosed) {
        this.channel = channel;
        this.describe = describe;
        this.handler = handler;
        this.onClosed = onClosed;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        active = true;
        LOG.debug("{}: connected", describe);
        if (safe("connected", () -> handler.connected(this))) {
            drain();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            if (active && !closeRequested && buf.isReadable()) {
                ByteBuffer view = buf.nioBufferCount() == 1
                        ? buf.nioBuffer().asReadOnlyBuffer()
                        : ByteBuffer.wrap(ByteBufUtil.getBytes(buf)).asReadOnlyBuffer();
                safe("received", () -> handler.received(this, view));
            }
        } finally {
            buf.release();
        }
        pauseForOutput(); // the peer does not read what it asked for: stop reading it
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (channel.isWritable()) {
            drain();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        boolean was = active;
        active = false;
        closeRequested = true;
        out.clear();
        if (was) {
            LOG.debug("{}: disconnected", describe);
            safe("disconnected", () -> handler.disconnected(this));
        }
        onClosed.accept(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        WARNINGS.warn("channel-exception", "{}: {}; closing", describe, cause.toString());
        ctx.close();
    }

    @Override
    public void write(ByteBuffer data) {
        if (closeRequested) {
            return;
        }
        if (!out.add(data, describe)) {
            return;
        }
        if (out.claimDrain()) {
            channel.eventLoop().execute(() -> {
                out.drainStarted();
                drain();
            });
        }
        if (!outputPaused && out.pendingBytes() > READ_PAUSE_ABOVE_BYTES) {
            onLoop(this::pauseForOutput);
        }
    }

    /** Stops reading while more than the budget waits for the peer (loop only). */
    private void pauseForOutput() {
        if (!outputPaused && out.pendingBytes() > READ_PAUSE_ABOVE_BYTES) {
            outputPaused = true;
            applyReadState();
        }
    }

    private void drain() {
        if (!active) {
            return;
        }
        boolean wrote = false;
        ByteBuffer b;
        while (channel.isWritable() && (b = out.peek()) != null) {
            channel.write(Unpooled.wrappedBuffer(b), channel.voidPromise());
            out.remove();
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
        if (outputPaused && out.pendingBytes() <= READ_RESUME_BELOW_BYTES) {
            outputPaused = false;
            applyReadState();
        }
    }

    @Override
    public void pauseReading() {
        ownerPaused = true;
        onLoop(this::applyReadState);
    }

    @Override
    public void resumeReading() {
        ownerPaused = false;
        onLoop(this::applyReadState);
    }

    @Override
    public boolean isReading() {
        return isOpen() && channel.config().isAutoRead();
    }

    private void onLoop(Runnable r) {
        if (channel.eventLoop().inEventLoop()) {
            r.run();
        } else {
            channel.eventLoop().execute(r);
        }
    }

    /** Auto-read on exactly when neither the owner nor the write budget holds reading (loop only). */
    private void applyReadState() {
        boolean read = !ownerPaused && !outputPaused;
        if (channel.config().isAutoRead() != read) {
            channel.config().setAutoRead(read); // true also asks for a read at once
        }
    }

    @Override
    public void close() {
        closeRequested = true;
        channel.close();
    }

    @Override
    public long pendingWriteBytes() {
        return out.pendingBytes();
    }

    @Override
    public boolean isOpen() {
        return active && !closeRequested && channel.isActive();
    }

    @Override
    public String describe() {
        return describe;
    }

    /**
     * Runs a handler callback. Whatever it throws (a StackOverflowError or OutOfMemoryError too)
     * stays here: logged once, and the client is closed ({@code disconnected} follows).
     *
     * @return false when it threw
     */
    private boolean safe(String callback, Runnable call) {
        try {
            call.run();
            return true;
        } catch (Throwable t) {
            if (!failureLogged) {
                failureLogged = true;
                HandlerFailure.log(describe, "the " + callback + " handler", t);
            }
            closeRequested = true;
            channel.close();
            return false;
        }
    }

    @Override
    public String toString() {
        return describe;
    }
}
