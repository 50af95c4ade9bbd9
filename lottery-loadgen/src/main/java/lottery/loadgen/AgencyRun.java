package lottery.loadgen;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import lottery.common.log.LogText;
import lottery.common.retry.Backoff;
import lottery.protocol.codec.LotteryPipeline;
import lottery.protocol.message.Ack;
import lottery.protocol.message.ErrorReply;
import lottery.protocol.message.Finish;
import lottery.protocol.message.Hello;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.MessageType;
import lottery.protocol.message.Winners;
import lottery.protocol.message.WinnersQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One synthetic agency's conversation, as a state machine on one event loop: every field below is touched only on
 * {@link #loop} (the connect listeners, the channel's handler and the backoff timers all run there), so it needs no
 * lock; {@link #phase} and the outcome are volatile for the main thread's progress and summary.
 *
 * <pre>
 * connect → HELLO → Ack(HELLO, L, stored) → BATCH L+1.. (at most inFlight unacknowledged) → FINISH
 *         → Ack(FINISH, 0, stored == all bets) → WINNERS_QUERY → WINNERS.. until the last frame → done
 * </pre>
 * A lost connection or a retryable ERROR ({@link lottery.protocol.message.ErrorCode#isRetryable()}: AGENCY_BUSY,
 * SHUTTING_DOWN, IDLE_TIMEOUT, HANDSHAKE_TIMEOUT, TOO_MANY_CONNECTIONS, DATABASE_UNAVAILABLE) starts over at connect
 * after a backoff ({@link Backoff#reconnect()}: 100 ms doubling to 2 s, reset by a HELLO Ack), until the deadline; the
 * new HELLO Ack says where to resume, and a batch that was stored but not acknowledged is acknowledged again by the
 * server, so resending from L+1 never stores a bet twice.
 */
final class AgencyRun {
    enum Phase { CONNECTING, HELLO, SENDING, FINISHING, WINNERS, DONE, FAILED }

    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final Logger LOG = LoggerFactory.getLogger(AgencyRun.class);

    private final AgencyPlan plan;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final int inFlight;
    private final long paceNanos;
    private final long deadlineNanos;
    private final LatencyStats latency;
    /** Time from {@link #startNanos} to this agency's first Ack of a batch (or of its HELLO when it has none). */
    private final LatencyStats firstAcks;
    private final long startNanos;
    /** Stop after the last batch Ack: no FINISH, no winners (the loopback ceiling's discard server has no draw). */
    private final boolean ingestOnly;
    private final AtomicLong betsAcked;
    private final Consumer<AgencyRun> onEnd;

    // Loop-confined state.
    private Channel channel;
    private final Backoff backoff = Backoff.reconnect();
    /** Next batch seq to send, and the highest seq the server has acknowledged (or reported stored). */
    private long nextSeq;
    private long ackedSeq;
    /** Highest seq already added to {@link #betsAcked}, so a resume never counts a batch twice. */
    private long countedSeq;
    private final long[] sentAtNanos;
    private int winnersReceived;
    /** When the last batch went out, and whether a paced send is already scheduled. */
    private long lastSendNanos;
    private boolean pumpScheduled;

    private volatile Phase phase = Phase.CONNECTING;
    private volatile int reconnects;
    private volatile int winners = -1;
    private volatile String failure;
    /** When (System.nanoTime) the last batch was acknowledged and the last WINNERS frame came. */
    private volatile long ingestDoneNanos;
    private volatile long winnersNanos;
    private boolean firstAckSeen;
    /** Runs once, when the first connection attempt has ended either way (the generator's connect window). */
    private Runnable firstConnectDone = () -> { };

    /**
     * @param paceMillis at least this long between two batches of this agency (0: as fast as the window allows), so
     *                   a run can be stretched over time (the chaos test kills the server during the ingest)
     */
    AgencyRun(AgencyPlan plan, EventLoop loop, String host, int port, int inFlight, int paceMillis,
              long deadlineNanos, LatencyStats latency, AtomicLong betsAcked, Consumer<AgencyRun> onEnd) {
        this(plan, loop, host, port, null, inFlight, paceMillis, deadlineNanos, latency, new LatencyStats(),
                System.nanoTime(), false, betsAcked, onEnd);
    }

    /**
     * @param tls        TLS to the server, or {@code null}: plain
     * @param firstAcks  where the time from {@code startNanos} to this agency's first Ack goes
     * @param ingestOnly end (DONE) at the last batch Ack, without FINISH and winners
     */
    AgencyRun(AgencyPlan plan, EventLoop loop, String host, int port, AgencyTls tls, int inFlight, int paceMillis,
              long deadlineNanos, LatencyStats latency, LatencyStats firstAcks, long startNanos, boolean ingestOnly,
              AtomicLong betsAcked, Consumer<AgencyRun> onEnd) {
        this.plan = plan;
        this.firstAcks = firstAcks;
        this.startNanos = startNanos;
        this.ingestOnly = ingestOnly;
        this.loop = loop;
        this.inFlight = inFlight;
        this.paceNanos = TimeUnit.MILLISECONDS.toNanos(paceMillis);
        this.deadlineNanos = deadlineNanos;
        this.latency = latency;
        this.betsAcked = betsAcked;
        this.onEnd = onEnd;
        this.sentAtNanos = new long[plan.batches().size() + 1];
        this.bootstrap = new Bootstrap()
                .group(loop) // every channel of this agency on the same loop: the state above stays confined
                .channel(NioSocketChannel.class)
                .remoteAddress(host, port)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.newHandler(plan.agency(), ch.alloc(), host, port));
                        }
                        LotteryPipeline.addLast(ch.pipeline()).addLast("agency", new Handler());
                    }
                });
    }

    AgencyPlan plan() {
        return plan;
    }

    Phase phase() {
        return phase;
    }

    int reconnects() {
        return reconnects;
    }

    /** Winners received, or -1 before the last WINNERS frame. */
    int winners() {
        return winners;
    }

    long ingestDoneNanos() {
        return ingestDoneNanos;
    }

    long winnersNanos() {
        return winnersNanos;
    }

    /** Why the agency failed, or {@code null}. */
    String failure() {
        return failure;
    }

    void start() {
        loop.execute(this::connect);
    }

    /** Starts the run; {@code connectDone} runs (on the loop) once its first connection attempt has ended. */
    void start(Runnable connectDone) {
        loop.execute(() -> {
            firstConnectDone = connectDone;
            connect();
        });
    }

    private void firstConnectDone() {
        Runnable done = firstConnectDone;
        firstConnectDone = () -> { };
        done.run();
    }

    /** Ends the run as failed (from any thread; the main thread calls it at the deadline). */
    void abort(String why) {
        loop.execute(() -> fail(why));
    }

    private void connect() {
        if (isOver()) {
            return;
        }
        if (System.nanoTime() - deadlineNanos > 0) {
            fail("timed out reconnecting");
            return;
        }
        phase = Phase.CONNECTING;
        ChannelFuture future = bootstrap.connect();
        channel = future.channel();
        future.addListener(f -> {
            firstConnectDone();
            if (future.channel() != channel || isOver()) {
                future.channel().close();
            } else if (f.isSuccess()) {
                phase = Phase.HELLO;
                channel.writeAndFlush(new Hello(Hello.CURRENT_VERSION, plan.agency(), plan.secret()));
            } // a failed connect also closes the channel: channelInactive never fires, so retry here
            else {
                channel = null;
                retry("connect: " + describe(f.cause()));
            }
        });
    }

    private void retry(String why) {
        if (isOver()) {
            return;
        }
        reconnects++;
        long delay = backoff.next().toMillis();
        LOG.debug("action: reconnect | result: in_progress | agency: {} | error: {} | retry_in_ms: {}",
                plan.agency(), LogText.clean(why), delay);
        loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private void onMessage(Channel from, LotteryMessage message) {
        if (from != channel || isOver()) {
            return; // a late frame of a connection given up on
        }
        if (message instanceof ErrorReply error) {
            onError(error);
        } else if (message instanceof Ack ack && ack.ref() == MessageType.HELLO && phase == Phase.HELLO) {
            onHelloAck(ack);
        } else if (message instanceof Ack ack && ack.ref() == MessageType.BATCH && phase == Phase.SENDING) {
            onBatchAck(ack);
        } else if (message instanceof Ack ack && ack.ref() == MessageType.FINISH && phase == Phase.FINISHING) {
            if (ack.stored() != plan.totalBets()) {
                fail("server stored " + ack.stored() + " bets, the agency sent " + plan.totalBets());
                return;
            }
            phase = Phase.WINNERS;
            winnersReceived = 0;
            channel.writeAndFlush(WinnersQuery.INSTANCE);
        } else if (message instanceof Winners frame && phase == Phase.WINNERS) {
            winnersReceived += frame.documents().size();
            if (frame.last()) {
                winnersNanos = System.nanoTime();
                winners = winnersReceived;
                phase = Phase.DONE;
                channel.close();
                onEnd.accept(this);
            }
        } else {
            fail("unexpected " + message.type() + " in phase " + phase);
        }
    }

    private void onError(ErrorReply error) {
        if (error.code().isRetryable()) {
            // The server closes the connection after this ERROR; channelInactive schedules the reconnect.
            LOG.debug("action: server_error | result: retry | agency: {} | code: {}", plan.agency(), error.code());
            channel.close();
        } else {
            fail("server error " + error.code() + " for " + error.ref() + " seq " + error.seq() + ": "
                    + LogText.clean(error.reason()));
        }
    }

    private void onHelloAck(Ack ack) {
        long last = ack.seq();
        int batches = plan.batches().size();
        if (last > batches || ack.stored() != plan.betsThrough()[(int) last]) {
            fail("HELLO Ack says " + ack.stored() + " bets in batches 1.." + last + ", the agency has "
                    + (last > batches ? batches + " batches" : plan.betsThrough()[(int) last] + " bets in them"));
            return;
        }
        backoff.reset();
        ackedSeq = last;
        nextSeq = last + 1;
        countAcked();
        if (batches == 0) {
            firstAck();
        }
        phase = Phase.SENDING;
        pump();
    }

    private void onBatchAck(Ack ack) {
        long seq = ack.seq();
        if (seq != ackedSeq + 1 || seq >= nextSeq) {
            fail("Ack for batch " + seq + ", expected " + (ackedSeq + 1));
            return;
        }
        int size = plan.batches().get((int) seq - 1).bets().size();
        if (ack.stored() != size) {
            fail("Ack for batch " + seq + " says " + ack.stored() + " bets, it held " + size);
            return;
        }
        long now = System.nanoTime();
        latency.record(now - sentAtNanos[(int) seq]);
        firstAck();
        ackedSeq = seq;
        countAcked();
        pump();
    }

    /**
     * Sends batches while the window has room (and the pace allows: else a later call is scheduled); FINISH once
     * every batch is acknowledged.
     */
    private void pump() {
        int batches = plan.batches().size();
        boolean wrote = false;
        while (nextSeq <= batches && nextSeq - ackedSeq <= inFlight) {
            long now = System.nanoTime();
            long wait = lastSendNanos + paceNanos - now;
            if (paceNanos > 0 && lastSendNanos != 0 && wait > 0) {
                schedulePump(wait);
                break;
            }
            lastSendNanos = now;
            sentAtNanos[(int) nextSeq] = now;
            // The frame was encoded once, before the clock started: sending costs the generator no encoding.
            channel.write(Unpooled.wrappedBuffer(plan.frames()[(int) nextSeq - 1]));
            nextSeq++;
            wrote = true;
        }
        if (ackedSeq == batches && ingestOnly) {
            ingestDoneNanos = System.nanoTime();
            phase = Phase.DONE;
            channel.close();
            onEnd.accept(this);
            return;
        }
        if (ackedSeq == batches) {
            ingestDoneNanos = System.nanoTime();
            phase = Phase.FINISHING;
            channel.write(Finish.INSTANCE);
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    private void schedulePump(long delayNanos) {
        if (pumpScheduled) {
            return;
        }
        pumpScheduled = true;
        Channel current = channel;
        loop.schedule(() -> {
            pumpScheduled = false;
            if (channel == current && phase == Phase.SENDING) {
                pump();
            }
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void firstAck() {
        if (!firstAckSeen) {
            firstAckSeen = true;
            firstAcks.record(System.nanoTime() - startNanos);
        }
    }

    private void countAcked() {
        if (ackedSeq > countedSeq) {
            betsAcked.addAndGet(plan.betsThrough()[(int) ackedSeq] - plan.betsThrough()[(int) countedSeq]);
            countedSeq = ackedSeq;
        }
    }

    private void onClosed(Channel closed) {
        if (closed != channel || isOver()) {
            return;
        }
        channel = null;
        retry("connection closed in phase " + phase);
    }

    private void fail(String why) {
        if (isOver()) {
            return;
        }
        failure = why;
        phase = Phase.FAILED;
        if (channel != null) {
            channel.close();
        }
        onEnd.accept(this);
    }

    private boolean isOver() {
        return phase == Phase.DONE || phase == Phase.FAILED;
    }

    private static String describe(Throwable cause) {
        return cause == null ? "cancelled" : cause.getMessage() == null ? cause.getClass().getSimpleName()
                : cause.getMessage();
    }

    /** The pipeline's last handler: hands every message and the close to the run, on the loop. */
    private final class Handler extends SimpleChannelInboundHandler<LotteryMessage> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, LotteryMessage message) {
            onMessage(ctx.channel(), message);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            onClosed(ctx.channel());
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
                failForGood(ctx, done.cause()); // else closed or timed out: channelInactive reconnects
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (failForGood(ctx, cause)) {
                return;
            }
            if (cause instanceof DecoderException && ctx.channel() == channel) {
                fail("bad frame from the server: " + describe(cause)); // a bug, not a lost connection
            }
            ctx.close(); // an I/O error (reset): channelInactive reconnects
        }

        /** Fails the run on a certificate problem or a TLS alert (the next attempt would meet it again). */
        private boolean failForGood(ChannelHandlerContext ctx, Throwable cause) {
            String why = AgencyTls.finalFailure(cause);
            if (why == null) {
                return false;
            }
            if (ctx.channel() == channel) {
                fail(why);
            }
            ctx.close();
            return true;
        }
    }
}
