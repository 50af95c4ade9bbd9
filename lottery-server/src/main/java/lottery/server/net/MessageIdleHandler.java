package lottery.server.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reader idleness counted in whole messages: fires {@link IdleStateEvent#FIRST_READER_IDLE_STATE_EVENT} (then
 * {@link IdleStateEvent#READER_IDLE_STATE_EVENT} every further period) when no message has passed it for the
 * timeout. Placed <em>after</em> a protocol's decoders, it sees only complete frames or lines, so a peer that trickles
 * one byte every few seconds and never completes a frame is idle. A decoding failure (a ProtocolException such as
 * INVALID_BET for a well-framed bet) also counts as a message: the peer did send a whole frame. Before the protocol is
 * known it sits in front of the {@link ProtocolDetector}, where the first byte counts.
 *
 * <p>Unlike Netty's {@code IdleStateHandler}, which marks any {@code channelRead} reaching it, this one also counts
 * the decoder's failures, which travel as exceptions. Time is the event loop's ticker (so tests can move it).
 *
 * <p>Thread context: one per channel (not sharable); its events and its timer run on the channel's event loop, the
 * only thread that touches its plain fields.
 */
final class MessageIdleHandler extends ChannelInboundHandlerAdapter {
    private final long timeoutNanos;
    private long lastMessage;
    private boolean first = true;
    private ScheduledFuture<?> timer;
    private boolean stopped;

    MessageIdleHandler(int timeoutSeconds) {
        this.timeoutNanos = TimeUnit.SECONDS.toNanos(timeoutSeconds);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        touch(ctx);
        ctx.fireChannelRead(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException) {
            touch(ctx);
        }
        ctx.fireExceptionCaught(cause);
    }

    private void touch(ChannelHandlerContext ctx) {
        lastMessage = ctx.executor().ticker().nanoTime();
        first = true;
    }

    private void start(ChannelHandlerContext ctx) {
        if (timer != null || stopped) {
            return;
        }
        lastMessage = ctx.executor().ticker().nanoTime();
        timer = ctx.executor().schedule(() -> check(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void stop() {
        // Never again, even if an event comes late.
        stopped = true;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private void check(ChannelHandlerContext ctx) {
        if (stopped || !ctx.channel().isOpen()) {
            return;
        }
        long idle = ctx.executor().ticker().nanoTime() - lastMessage;
        if (idle >= timeoutNanos) {
            timer = ctx.executor().schedule(() -> check(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
            IdleStateEvent event = first ? IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT
                    : IdleStateEvent.READER_IDLE_STATE_EVENT;
            first = false;
            ctx.fireUserEventTriggered(event);
        } else {
            timer = ctx.executor().schedule(() -> check(ctx), timeoutNanos - idle, TimeUnit.NANOSECONDS);
        }
    }
}
