package lottery.server.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;
import lottery.common.log.LogText;
import lottery.protocol.codec.ProtocolException;
import lottery.protocol.message.LotteryMessage;
import lottery.server.round.AgencyConversation;
import lottery.server.round.DrawCoordinator;
import lottery.server.round.LotteryThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network side of one lottery connection: hands everything that happens on the channel, in order, to the
 * connection's {@link AgencyConversation} on the lottery thread, which applies the protocol's rules and answers
 * through {@link ChannelReplies}. It decides nothing about the protocol itself.
 *
 * <p>Thread context: Netty calls it on the channel's event loop; each event becomes one task on the lottery thread
 * (a single thread that runs every conversation and owns the shared lottery state, so file I/O and the draw never
 * run on an event loop). One FIFO thread keeps every connection's requests in arrival order. The only state shared
 * with the lottery thread is the {@link ReadThrottle}'s count.
 *
 * <p>Malformed frames reach it as {@link ProtocolException}s from the decoder, in order with the messages, and are
 * answered in turn; any other failure is answered with INTERNAL_ERROR after the answers before it, then the
 * connection closes. Only I/O errors go on to the {@link ExceptionHandler}.
 */
public final class LotteryHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(LotteryHandler.class);

    private final DrawCoordinator lottery;
    private final LotteryThread lotteryThread;
    private ReadThrottle throttle;
    private AgencyConversation conversation;

    /**
     * @param lottery       the shared lottery state, owned by {@code lotteryThread}
     * @param lotteryThread the single thread that runs every conversation, in the order tasks are given to it
     */
    public LotteryHandler(DrawCoordinator lottery, LotteryThread lotteryThread) {
        this.lottery = lottery;
        this.lotteryThread = lotteryThread;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        throttle = new ReadThrottle(ctx.channel());
        // Created here, used only on the lottery thread: the hand-over through the executor publishes it.
        conversation = new AgencyConversation(lottery, new ChannelReplies(ctx, throttle), Peers.ip(ctx.channel()),
                TlsHandshakeHandler.certifiedAgency(ctx.channel()));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof LotteryMessage request) {
            throttle.requestIn();
            dispatch(ctx, () -> conversation.receive(request));
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof ProtocolException undecodable) {
            // In order with the messages: the error answers the frame that came after them.
            throttle.requestIn();
            dispatch(ctx, () -> conversation.receiveUndecodable(undecodable.toReply(), undecodable.count()));
        } else if (cause instanceof IOException) {
            ctx.fireExceptionCaught(cause);
        } else {
            LOG.warn("action: connection_error | result: fail | ip: {} | error: {}", Peers.ip(ctx.channel()),
                    LogText.clean(cause.toString()));
            // Not written from here: it would overtake the answers still on their way from the lottery thread.
            dispatch(ctx, conversation::internalError);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            // Checked on the lottery thread: a request that arrived meanwhile, or a held query, is not idleness.
            dispatch(ctx, () -> {
                if (throttle.allAnswered()) {
                    conversation.idle();
                }
            });
        } else if (evt instanceof ChannelInputShutdownEvent) {
            dispatch(ctx, conversation::inputClosed);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        dispatch(ctx, conversation::connectionClosed);
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        throttle.update();
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * Hands {@code task} to the lottery thread. A bug in it is answered with INTERNAL_ERROR, in order. A lottery
     * thread that takes no more tasks means the server is stopping: the connection is closed.
     */
    private void dispatch(ChannelHandlerContext ctx, Runnable task) {
        try {
            lotteryThread.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException bug) {
                    LOG.error("action: lottery_request | result: fail | ip: {} | error: {}", Peers.ip(ctx.channel()),
                            LogText.clean(bug.toString()));
                    conversation.internalError();
                }
            });
        } catch (RejectedExecutionException stopping) {
            ctx.close();
        }
    }
}
