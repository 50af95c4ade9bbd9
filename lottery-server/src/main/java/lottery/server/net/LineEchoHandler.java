package lottery.server.net;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import lottery.common.log.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The original echo server, line by line: answers each line with the same line and a LF. When the peer half-closes
 * its output the connection is closed once the echoes are written; an idle connection is closed.
 *
 * <p>Thread context: stateless, so one instance serves every echo channel; each call runs on its channel's event
 * loop (it never blocks).
 */
@Sharable
public final class LineEchoHandler extends SimpleChannelInboundHandler<String> {
    public static final LineEchoHandler INSTANCE = new LineEchoHandler();

    private static final Logger LOG = LoggerFactory.getLogger(LineEchoHandler.class);

    private LineEchoHandler() {
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, String line) {
        LOG.info("action: receive_message | result: success | ip: {} | msg: {}", Peers.ip(ctx.channel()),
                LogText.clean(line));
        ctx.writeAndFlush(line + "\n");
        if (!ctx.channel().isWritable()) {
            // A peer that sends but does not read: stop reading it until its echoes drain, so nothing piles up.
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            // An empty write completes after every echo before it, so the close cannot cut an echo short.
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else if (evt instanceof IdleStateEvent) {
            LOG.info("action: idle_timeout | result: success | ip: {}", Peers.ip(ctx.channel()));
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }
}
