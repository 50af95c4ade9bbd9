package lottery.server.net;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import lottery.protocol.codec.ProtocolException;
import lottery.protocol.message.Ack;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Bet;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.ErrorReply;
import lottery.protocol.message.Hello;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.MessageType;
import lottery.protocol.message.Winners;
import lottery.server.lottery.DrawCoordinator;
import lottery.server.lottery.LotteryRejection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One lottery connection: the handshake, then bets, batches, Finish and the winners query of the agency the Hello
 * named. Every request is answered in order: an Ack, an ErrorReply or (for the query) Winners frames.
 *
 * <p>Thread context: Netty calls it on the channel's event loop, and it hands every request, in arrival order, to the
 * channel's <em>worker</em>, a single business thread chosen when the connection was set up (Netty 4.2 deprecates
 * pipeline handlers on other executors and recommends dispatching by hand). All per-connection state is confined
 * to that worker, which may block on the bets file; the event loop never does. Replies are written from the worker,
 * so they leave in request order. A winners query is held without blocking anything: the draw's future completes on
 * another thread and hands the reply back to the worker. While it is held, reading stops and the requests already
 * decoded wait in a queue, so the answers keep the order of the requests; idleness does not count meanwhile.
 *
 * <p>Back-pressure: a client that sends faster than its worker stores (pipelining batches without waiting for the
 * Acks) stops being read once {@value #HIGH_WATER} of its requests wait for the worker, and is read again when they
 * are down to {@value #LOW_WATER}; its requests never pile up in memory, and other connections are not slowed.
 *
 * <p>Malformed frames reach it as {@link ProtocolException}s from the decoder, in order with the messages: an invalid
 * bet is refused and the connection stays open, any other protocol error is answered and the connection closed.
 */
public final class LotteryHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(LotteryHandler.class);
    /** Requests waiting for the worker at which reading stops. */
    static final int HIGH_WATER = 32;
    /** Requests waiting for the worker at which reading resumes. */
    static final int LOW_WATER = 8;

    private final DrawCoordinator coordinator;
    /** The single thread that processes this connection's requests, in order. */
    private final Executor worker;
    /** Tasks handed to the worker and not yet run: counted up by whoever dispatches, down on the worker. */
    private final AtomicInteger pending = new AtomicInteger();
    /** {@link #holding}, published for the event loop's read decision. */
    private volatile boolean holdingQuery;
    /** The agency of the Hello; 0 until the handshake. */
    private int agency;
    /** A winners query is waiting for the draw. */
    private boolean holding;
    /** Requests (messages or protocol errors) that arrived while a query was held. */
    private final Queue<Object> queued = new ArrayDeque<>();
    /** A reply that ends the connection was sent: nothing more is processed. */
    private boolean closing;
    /** The peer half-closed its output: close once every request is answered. */
    private boolean inputClosed;
    /** The last reply written, so a close can wait for it. */
    private ChannelFuture lastWrite;

    /**
     * @param worker a single-threaded executor (one of a {@code DefaultEventExecutorGroup}) that runs this
     *               connection's requests in the order they are given to it
     */
    public LotteryHandler(DrawCoordinator coordinator, Executor worker) {
        this.coordinator = coordinator;
        this.worker = worker;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof LotteryMessage message) {
            dispatch(ctx, () -> submit(ctx, message));
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof ProtocolException protocolError) {
            // In order with the messages: the error answers the frame that came after them.
            dispatch(ctx, () -> submit(ctx, protocolError));
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            dispatch(ctx, () -> onIdle(ctx));
        } else if (evt instanceof ChannelInputShutdownEvent) {
            dispatch(ctx, () -> {
                inputClosed = true;
                closeIfDone(ctx);
            });
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    /** Hands a task to the worker. A worker that no longer takes tasks means the server is stopping. */
    private void dispatch(ChannelHandlerContext ctx, Runnable task) {
        if (pending.incrementAndGet() >= HIGH_WATER) {
            updateReading(ctx);
        }
        try {
            worker.execute(() -> {
                try {
                    task.run();
                } finally {
                    if (pending.decrementAndGet() <= LOW_WATER && !ctx.channel().config().isAutoRead()) {
                        updateReading(ctx);
                    }
                }
            });
        } catch (RejectedExecutionException stopping) {
            ctx.close();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateReading(ctx);
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * Decides whether to read the connection, always on its event loop, from the current state, so that no two
     * threads race to set auto-read: reading stops at {@value #HIGH_WATER} waiting requests, while a query is held,
     * or while the replies cannot be written (a peer that does not read), and resumes once none of these holds and
     * at most {@value #LOW_WATER} requests wait.
     */
    private void updateReading(ChannelHandlerContext ctx) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> updateReading(ctx));
            return;
        }
        int waiting = pending.get();
        boolean reading = ctx.channel().config().isAutoRead();
        boolean read = !holdingQuery && ctx.channel().isWritable()
                && (reading ? waiting < HIGH_WATER : waiting <= LOW_WATER);
        if (read != reading) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    private void onIdle(ChannelHandlerContext ctx) {
        // pending counts this task: more means requests are queued (reading paused by back-pressure), not idleness.
        if (!holding && !closing && pending.get() <= 1) {
            refuse(ctx, ErrorCode.IDLE_TIMEOUT, null, 0, "no request within the idle timeout");
        }
    }

    private void submit(ChannelHandlerContext ctx, Object request) {
        if (closing) {
            return;
        }
        if (holding) {
            queued.add(request);
        } else {
            process(ctx, request);
        }
    }

    private void process(ChannelHandlerContext ctx, Object request) {
        if (request instanceof ProtocolException protocolError) {
            onProtocolError(ctx, protocolError);
            return;
        }
        LotteryMessage msg = (LotteryMessage) request;
        if (coordinator.isClosed()) {
            refuse(ctx, ErrorCode.SHUTTING_DOWN, msg.type(), seqOf(msg), "the server is stopping");
        } else if (msg instanceof Hello hello) {
            onHello(ctx, hello);
        } else if (agency == 0) {
            refuse(ctx, ErrorCode.HANDSHAKE_REQUIRED, msg.type(), seqOf(msg), "the first message must be a HELLO");
        } else {
            switch (msg.type()) {
                case BET -> onBet(ctx, (Bet) msg);
                case BATCH -> onBatch(ctx, (Batch) msg);
                case FINISH -> onFinish(ctx);
                case WINNERS_QUERY -> onWinnersQuery(ctx);
                default -> refuse(ctx, ErrorCode.UNEXPECTED_MESSAGE, msg.type(), 0,
                        msg.type() + " is a server message");
            }
        }
    }

    private void onHello(ChannelHandlerContext ctx, Hello hello) {
        if (agency != 0) {
            refuse(ctx, ErrorCode.HANDSHAKE_REQUIRED, MessageType.HELLO, 0, "the handshake was already done");
        } else if (hello.version() != Hello.CURRENT_VERSION) {
            refuse(ctx, ErrorCode.UNSUPPORTED_VERSION, MessageType.HELLO, 0,
                    "protocol version " + hello.version() + " is not supported (server speaks "
                            + Hello.CURRENT_VERSION + ")");
        } else if (!coordinator.knowsAgency(hello.agency())) {
            refuse(ctx, ErrorCode.UNKNOWN_AGENCY, MessageType.HELLO, 0,
                    "agency " + hello.agency() + " does not take part in this draw");
        } else {
            agency = hello.agency();
            LOG.debug("action: handshake | result: success | ip: {} | agency: {}", ip(ctx), agency);
            send(ctx, new Ack(MessageType.HELLO, 0, 0));
        }
    }

    private void onBet(ChannelHandlerContext ctx, Bet bet) {
        try {
            coordinator.storeBets(agency, List.of(bet));
            LOG.info("action: apuesta_almacenada | result: success | dni: {} | numero: {}", bet.document(),
                    bet.number());
            send(ctx, new Ack(MessageType.BET, 0, 1));
        } catch (LotteryRejection rejection) {
            LOG.warn("action: apuesta_almacenada | result: fail | dni: {} | numero: {} | error: {}", bet.document(),
                    bet.number(), rejection.code());
            refuse(ctx, rejection.code(), MessageType.BET, 0, rejection.getMessage());
        }
    }

    private void onBatch(ChannelHandlerContext ctx, Batch batch) {
        int count = batch.bets().size();
        try {
            coordinator.storeBets(agency, batch.bets());
            if (LOG.isDebugEnabled()) {
                for (Bet bet : batch.bets()) {
                    LOG.debug("action: apuesta_almacenada | result: success | dni: {} | numero: {}", bet.document(),
                            bet.number());
                }
            }
            LOG.info("action: apuesta_recibida | result: success | cantidad: {}", count);
            send(ctx, new Ack(MessageType.BATCH, batch.seq(), count));
        } catch (LotteryRejection rejection) {
            LOG.warn("action: apuesta_recibida | result: fail | cantidad: {}", count);
            refuse(ctx, rejection.code(), MessageType.BATCH, batch.seq(), rejection.getMessage());
        }
    }

    private void onFinish(ChannelHandlerContext ctx) {
        try {
            long stored = coordinator.finish(agency);
            LOG.info("action: finish | result: success | agency: {} | cantidad: {}", agency, stored);
            send(ctx, new Ack(MessageType.FINISH, 0, stored));
        } catch (LotteryRejection rejection) {
            LOG.warn("action: finish | result: fail | agency: {} | error: {}", agency, rejection.code());
            refuse(ctx, rejection.code(), MessageType.FINISH, 0, rejection.getMessage());
        }
    }

    private void onWinnersQuery(ChannelHandlerContext ctx) {
        if (!coordinator.hasFinished(agency)) {
            // Holding it would also hold this connection's FINISH, queued behind it, and so the draw of everyone.
            refuse(ctx, ErrorCode.FINISH_REQUIRED, MessageType.WINNERS_QUERY, 0,
                    "agency " + agency + " must send FINISH before WINNERS_QUERY");
            return;
        }
        CompletableFuture<List<String>> winners = coordinator.winners(agency);
        if (winners.isDone()) {
            sendWinners(ctx, winners);
            return;
        }
        holding = true;
        holdingQuery = true;
        updateReading(ctx);
        // Runs on whichever thread completed the draw: hop back to this connection's worker.
        winners.whenComplete((documents, failure) -> dispatch(ctx, () -> answerHeldQuery(ctx, winners)));
    }

    /** The held query's answer is ready: send it, then the requests that queued up behind it. */
    private void answerHeldQuery(ChannelHandlerContext ctx, CompletableFuture<List<String>> winners) {
        holding = false;
        holdingQuery = false;
        if (closing) {
            return;
        }
        sendWinners(ctx, winners);
        updateReading(ctx);
        while (!holding && !closing && !queued.isEmpty()) {
            process(ctx, queued.poll());
        }
        closeIfDone(ctx);
    }

    private void sendWinners(ChannelHandlerContext ctx, CompletableFuture<List<String>> winners) {
        List<String> documents;
        try {
            documents = winners.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof LotteryRejection rejection) {
                refuse(ctx, rejection.code(), MessageType.WINNERS_QUERY, 0, rejection.getMessage());
            } else {
                refuse(ctx, ErrorCode.INTERNAL_ERROR, MessageType.WINNERS_QUERY, 0, "the draw failed");
            }
            return;
        }
        for (Winners frame : Winners.split(documents)) {
            lastWrite = ctx.write(frame);
        }
        ctx.flush();
        LOG.info("action: winners | result: success | agency: {} | cant_ganadores: {}", agency, documents.size());
    }

    private void onProtocolError(ChannelHandlerContext ctx, ProtocolException error) {
        if (error.ref() == MessageType.BATCH) {
            LOG.warn("action: apuesta_recibida | result: fail | cantidad: {}", error.count());
        } else if (error.ref() == MessageType.BET) {
            LOG.warn("action: apuesta_almacenada | result: fail | error: {}", error.code());
        }
        if (agency == 0 && !error.closesConnection()) {
            // A well-framed but invalid bet before the handshake: the missing handshake is the real problem.
            refuse(ctx, ErrorCode.HANDSHAKE_REQUIRED, error.ref(), error.seq(), "the first message must be a HELLO");
        } else {
            reply(ctx, error.toReply());
        }
    }

    private void refuse(ChannelHandlerContext ctx, ErrorCode code, MessageType ref, long seq, String reason) {
        reply(ctx, ErrorReply.of(code, ref, seq, reason));
    }

    private void reply(ChannelHandlerContext ctx, ErrorReply reply) {
        if (reply.code().closesConnection()) {
            closing = true;
            queued.clear();
        }
        lastWrite = ExceptionHandler.sendError(ctx, reply, ip(ctx));
    }

    private void send(ChannelHandlerContext ctx, LotteryMessage message) {
        lastWrite = ctx.writeAndFlush(message);
    }

    /** After a half-close, closes the connection once nothing is left to answer. */
    private void closeIfDone(ChannelHandlerContext ctx) {
        if (!inputClosed || holding || closing) {
            return;
        }
        closing = true;
        if (lastWrite == null) {
            ctx.close();
        } else {
            lastWrite.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static long seqOf(LotteryMessage msg) {
        return msg instanceof Batch batch ? batch.seq() : 0;
    }

    private static String ip(ChannelHandlerContext ctx) {
        return Peers.ip(ctx.channel());
    }
}
