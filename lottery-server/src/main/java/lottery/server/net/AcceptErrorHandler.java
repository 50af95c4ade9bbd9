package lottery.server.net;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;
import lottery.common.log.LogText;
import lottery.common.log.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The server channel's handler (ServerBootstrap {@code .handler(...)}): failures to accept a connection, such as
 * EMFILE ("Too many open files") at the open-file limit. Without it such a failure reaches Netty's acceptor, which
 * pauses accepting for 1 s and passes it to the pipeline's tail, which logs a WARN with a stack trace for every
 * failed accept: under a flood, thousands of lines a second.
 *
 * <p>Here each failure pauses accepting for {@value #PAUSE_MILLIS} ms (as Netty's acceptor does, so the pending
 * connections wait in the backlog while descriptors free up instead of the loop spinning) and is logged without a
 * stack trace at most once per 10 s, the line counting the failures since the previous one:
 * {@code action: accept_connections | result: fail | error: MESSAGE | repeated: K}. The failure is not passed on.
 *
 * <p>Thread context: the server channel's event loop (the {@code acceptor} thread) runs it, and the scheduled resume
 * of accepting; sharable, though one server channel uses it. Its one field, a thread-safe {@link RateLimitedLog}, is
 * final.
 */
@Sharable
public final class AcceptErrorHandler extends ChannelInboundHandlerAdapter {
    static final long PAUSE_MILLIS = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(AcceptErrorHandler.class);

    private final RateLimitedLog limited;

    public AcceptErrorHandler() {
        this(new RateLimitedLog(LOG, 1, RateLimitedLog.DEFAULT_INTERVAL));
    }

    AcceptErrorHandler(RateLimitedLog limited) {
        this.limited = limited;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String error = LogText.clean(cause.getMessage() != null ? cause.getMessage() : cause.toString());
        limited.counted("accept_connections", Level.WARN,
                repeated -> "action: accept_connections | result: fail | error: " + error + " | repeated: " + repeated);
        ChannelConfig config = ctx.channel().config();
        if (config.isAutoRead()) {
            config.setAutoRead(false);
            ctx.executor().schedule(() -> {
                if (ctx.channel().isOpen()) {
                    config.setAutoRead(true);
                }
            }, PAUSE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }
}
