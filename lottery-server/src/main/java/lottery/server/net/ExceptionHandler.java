package lottery.server.net;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import lottery.common.log.LogText;
import lottery.protocol.codec.ProtocolException;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.ErrorReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every pipeline: whatever failure reaches it ends the connection, with one log line and no
 * stack trace. On a lottery connection the peer first gets an {@link ErrorReply} (the protocol error's own reply,
 * or INTERNAL_ERROR), and the close waits for that write. An I/O error (a reset peer) only closes.
 *
 * <p>Stateless and sharable; runs on the channel's event loop. Protocol errors of lottery connections are answered
 * by the LotteryHandler, in order with its Acks; what reaches this handler there is unexpected (a bug, a reset peer),
 * and the connection ends anyway.
 */
@Sharable
public final class ExceptionHandler extends ChannelInboundHandlerAdapter {
    /** For lottery connections: answers with an ErrorReply before closing. */
    public static final ExceptionHandler LOTTERY = new ExceptionHandler(true);
    /** For echo connections: there is no way to tell the peer, so it only closes. */
    public static final ExceptionHandler ECHO = new ExceptionHandler(false);

    private static final Logger LOG = LoggerFactory.getLogger(ExceptionHandler.class);

    private final boolean replies;

    private ExceptionHandler(boolean replies) {
        this.replies = replies;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!ctx.channel().isActive()) {
            return;
        }
        String ip = Peers.ip(ctx.channel());
        if (cause instanceof IOException) {
            // A reset or broken pipe is the peer going away: close quietly, it is not a failure of this server.
            LOG.info("action: close_connection | result: success | ip: {} | reason: {}", ip, cause.getMessage());
            ctx.close();
        } else if (replies && cause instanceof ProtocolException protocolError) {
            sendError(ctx, protocolError.toReply(), ip);
        } else {
            LOG.warn("action: connection_error | result: fail | ip: {} | error: {}", ip, cause.toString());
            if (replies) {
                ctx.writeAndFlush(ErrorReply.of(ErrorCode.INTERNAL_ERROR, null, 0, "internal error"))
                        .addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
        }
    }

    /**
     * Writes {@code reply}; when its code ends the connection, logs one WARN line and closes the channel once the
     * reply is written.
     *
     * @return the write's future
     */
    static ChannelFuture sendError(ChannelHandlerContext ctx, ErrorReply reply, String ip) {
        ChannelFuture write = ctx.writeAndFlush(reply);
        if (reply.code().closesConnection()) {
            if (reply.code() == ErrorCode.IDLE_TIMEOUT || reply.code() == ErrorCode.SHUTTING_DOWN) {
                // Housekeeping, not a failure: an idle peer or a stopping server.
                LOG.info("action: close_connection | result: success | ip: {} | code: {}", ip, reply.code());
            } else {
                LOG.warn("action: protocol_error | result: fail | ip: {} | code: {} | reason: {}", ip, reply.code(),
                        LogText.clean(reply.reason()));
            }
            write.addListener(ChannelFutureListener.CLOSE);
        }
        return write;
    }
}
