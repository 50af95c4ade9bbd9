package lottery.server.net;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import lottery.common.log.LogText;
import lottery.common.log.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every pipeline, the last resort: whatever failure reaches it ends the connection, with one log
 * line (rate-limited per kind of line) and no stack trace. An I/O error (a reset peer) is the peer going away;
 * anything else is unexpected.
 *
 * <p>It answers nothing: on a lottery connection every failure that deserves an answer (a malformed frame, an
 * unexpected one) is answered by the {@link LotteryHandler}, in order with the other answers, and an ERROR written from
 * here could overtake them; the echo has no way to say it.
 *
 * <p>Thread context: stateless and sharable, one instance in every pipeline; each failure is handled on its channel's
 * event loop. The only state the event loops share is {@code LIMITED}, a thread-safe {@link RateLimitedLog}.
 */
@Sharable
public final class ExceptionHandler extends ChannelInboundHandlerAdapter {
    public static final ExceptionHandler INSTANCE = new ExceptionHandler();

    private static final Logger LOG = LoggerFactory.getLogger(ExceptionHandler.class);
    /** Lines per connection, bounded per kind (see {@link RateLimitedLog}): a flood of failing peers is a few lines. */
    static final RateLimitedLog LIMITED = new RateLimitedLog(LOG);

    private ExceptionHandler() {
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!ctx.channel().isActive()) {
            return;
        }
        String ip = Peers.ip(ctx.channel());
        if (cause instanceof IOException) {
            // A reset or broken pipe is the peer going away: close quietly, it is not a failure of this server.
            LIMITED.info("close_connection", "action: close_connection | result: success | ip: {} | reason: {}", ip,
                    LogText.clean(String.valueOf(cause.getMessage())));
        } else {
            LIMITED.warn("connection_error", "action: connection_error | result: fail | ip: {} | error: {}", ip,
                    LogText.clean(cause.toString()));
        }
        ctx.close();
    }
}
