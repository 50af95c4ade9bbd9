package lottery.server.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.AttributeKey;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import lottery.common.log.RateLimitedLog;
import lottery.protocol.message.Ack;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.ErrorReply;
import lottery.protocol.message.MessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handshake deadline of one connection (SERVER_HANDSHAKE_TIMEOUT_SECONDS): a connection that has neither shown it
 * is an echo (its first byte) nor completed a lottery HELLO in time is closed; a lottery one gets
 * ERROR(HANDSHAKE_TIMEOUT) first. So a peer that connects and sends nothing, or a partial HELLO, holds a connection
 * (a file descriptor, a slot of SERVER_MAX_CONNECTIONS) for a bounded time only.
 *
 * <p>Started when the connection is accepted; {@link #cancel()}ed when the echo is detected. On a lottery connection
 * the HELLO is judged by the conversation on the lottery thread; this handler, installed between the message encoder
 * and the lottery handler, watches the outbound messages and ends the deadline when the ACK(HELLO) is written (the
 * handshake's only success answer), then removes itself. Nothing on the lottery side has to call it. A deadline that
 * fires while the ACK(HELLO) is still on its way from the lottery thread wins: the client gets HANDSHAKE_TIMEOUT (it
 * retries) and the late ACK is not written.
 *
 * <p>Thread context: one per channel, confined to its event loop: {@link #start} (from the channel's initializer), the
 * timer, {@link #cancel} and {@link #write} run there (Netty hands an ACK written on the lottery thread to the event
 * loop before it reaches this handler), so the plain {@code timer} field needs no lock.
 */
final class HandshakeDeadline extends ChannelOutboundHandlerAdapter {
    static final AttributeKey<HandshakeDeadline> KEY = AttributeKey.valueOf(HandshakeDeadline.class.getName());

    private static final Logger LOG = LoggerFactory.getLogger(HandshakeDeadline.class);
    static final RateLimitedLog LIMITED = new RateLimitedLog(LOG);

    private final Channel channel;
    private final int seconds;
    private ScheduledFuture<?> timer;

    private HandshakeDeadline(Channel channel, int seconds) {
        this.channel = channel;
        this.seconds = seconds;
    }

    /** Starts the deadline of {@code channel} (on its event loop) and attaches it to the channel. */
    static HandshakeDeadline start(Channel channel, int seconds) {
        HandshakeDeadline deadline = new HandshakeDeadline(channel, seconds);
        channel.attr(KEY).set(deadline);
        deadline.timer = channel.eventLoop().schedule(deadline::expire, seconds, TimeUnit.SECONDS);
        channel.closeFuture().addListener(closed -> deadline.cancel());
        return deadline;
    }

    /** The deadline of {@code channel}, or null when it has none (disabled, or already over). */
    static HandshakeDeadline of(Channel channel) {
        return channel.attr(KEY).get();
    }

    /** The handshake is over (an echo, or the ACK(HELLO) is written): the deadline no longer applies. */
    void cancel() {
        timer.cancel(false);
        channel.attr(KEY).set(null);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof Ack ack && ack.ref() == MessageType.HELLO) {
            cancel();
            ctx.pipeline().remove(this);
        }
        ctx.write(msg, promise);
    }

    private void expire() {
        if (!channel.isOpen()) {
            return;
        }
        channel.attr(KEY).set(null);
        String ip = Peers.ip(channel);
        if (channel.pipeline().get(ServerInitializer.LOTTERY_HANDLER) != null) {
            LIMITED.info("handshake_timeout", "action: handshake_timeout | result: fail | ip: {} | protocol: lottery"
                    + " | seconds: {}", ip, seconds);
            channel.writeAndFlush(ErrorReply.of(ErrorCode.HANDSHAKE_TIMEOUT, null, 0,
                    "no HELLO completed within " + seconds + " s")).addListener(ChannelFutureListener.CLOSE);
        } else {
            LIMITED.info("handshake_timeout", "action: handshake_timeout | result: fail | ip: {} | protocol: unknown"
                    + " | seconds: {}", ip, seconds);
            channel.close();
        }
    }
}
