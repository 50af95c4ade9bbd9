package lottery.server.net;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import lottery.common.log.LogText;
import lottery.protocol.message.LotteryMessage;
import lottery.server.round.Replies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Replies} of one lottery connection: writes an AgencyConversation's answers to the channel.
 *
 * <p>Thread context: called on the lottery thread only. Netty hands every write made off the event loop to the event
 * loop as a task, in call order, so the answers leave in the order they were sent; {@link #lastWrite} is confined to
 * the lottery thread.
 */
final class ChannelReplies implements Replies {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelReplies.class);

    private final ChannelHandlerContext ctx;
    private final ReadThrottle throttle;
    private final ChannelFutureListener logFailure;
    /** The last write, so a close can wait for it. */
    private ChannelFuture lastWrite;

    ChannelReplies(ChannelHandlerContext ctx, ReadThrottle throttle) {
        this.ctx = ctx;
        this.throttle = throttle;
        String ip = Peers.ip(ctx.channel());
        this.logFailure = write -> {
            if (!write.isSuccess()) {
                LOG.debug("action: send_reply | result: fail | ip: {} | error: {}", ip,
                        LogText.clean(String.valueOf(write.cause())));
            }
        };
    }

    @Override
    public void send(LotteryMessage message) {
        lastWrite = ctx.writeAndFlush(message);
        lastWrite.addListener(logFailure);
        throttle.replied(message);
    }

    @Override
    public void close() {
        if (lastWrite == null) {
            ctx.close();
        } else {
            // Closing at once would drop the answers not yet written.
            lastWrite.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
