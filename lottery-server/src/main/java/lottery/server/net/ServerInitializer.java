package lottery.server.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import lottery.common.log.RateLimitedLog;
import lottery.protocol.codec.LotteryPipeline;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.ErrorReply;
import lottery.server.round.DrawCoordinator;
import lottery.server.round.LotteryThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Sets up every accepted connection: enforces SERVER_MAX_CONNECTIONS, registers it in the server's channel group (so
 * a stop can close it), logs it, starts its handshake deadline and installs an idle timer and the
 * {@link ProtocolDetector}, which later calls back one of the two install methods.
 *
 * <pre>
 * accepted: idle protocolDetector exceptionHandler               (idle: the first byte counts)
 * lottery:  flushConsolidation frameDecoder messageDecoder messageEncoder idle handshake lotteryHandler
 *           exceptionHandler
 * echo:     lineDecoder idle stringDecoder stringEncoder lineEchoHandler exceptionHandler
 * refused:  frameDecoder messageDecoder messageEncoder  (ERROR TOO_MANY_CONNECTIONS, then closed)
 * TLS:      idle ssl tlsHandshake tlsProtocolDetector exceptionHandler   (first byte 0x16, TLS on), then
 *           ssl tlsHandshake + the lottery's or the echo's handlers above, on the decrypted bytes
 * plain lottery on a TLS server: frameDecoder messageDecoder messageEncoder (ERROR TLS_REQUIRED, then closed)
 * </pre>
 * The idle timer ({@link MessageIdleHandler}) sits after the decoders, so only complete frames or lines reset it: a
 * peer that trickles bytes without ever completing a frame is idle. The handshake handler ({@link HandshakeDeadline})
 * ends the deadline when the ACK(HELLO) passes it and then removes itself; on the echo the deadline ends at detection.
 *
 * <p>Thread context: every handler runs on the channel's event loop; the lottery handler hands its requests to the lottery thread (one
 * for the whole server), so blocking work never runs on an event loop. Sharable: it holds only thread-safe
 * collaborators (the coordinator is only passed on, to be used on the lottery thread) and an atomic count of the open
 * connections.
 */
public final class ServerInitializer extends ChannelInitializer<SocketChannel> implements ProtocolDetector.Protocols {
    public static final String IDLE_HANDLER = "idle";
    public static final String PROTOCOL_DETECTOR = "protocolDetector";
    public static final String HANDSHAKE_HANDLER = "handshake";
    public static final String LOTTERY_HANDLER = "lotteryHandler";
    public static final String FLUSH_CONSOLIDATION = "flushConsolidation";
    public static final String LINE_DECODER = "lineDecoder";
    public static final String STRING_DECODER = "stringDecoder";
    public static final String STRING_ENCODER = "stringEncoder";
    public static final String ECHO_HANDLER = "lineEchoHandler";
    public static final String EXCEPTION_HANDLER = "exceptionHandler";
    public static final String SSL_HANDLER = "ssl";
    public static final String TLS_HANDSHAKE_HANDLER = "tlsHandshake";
    public static final String TLS_PROTOCOL_DETECTOR = "tlsProtocolDetector";
    /** Longest echoed line, in bytes (the lottery frame limit, for symmetry). */
    public static final int MAX_LINE_BYTES = 8192;

    private static final Logger LOG = LoggerFactory.getLogger(ServerInitializer.class);
    /** The refusals: one line per 10 s, with the count since the previous line. */
    static final RateLimitedLog REFUSALS = new RateLimitedLog(LOG, 1, RateLimitedLog.DEFAULT_INTERVAL);
    // Sharable: they keep no per-channel state.
    private static final StringDecoder UTF8_DECODER = new StringDecoder(StandardCharsets.UTF_8);
    private static final StringEncoder UTF8_ENCODER = new StringEncoder(StandardCharsets.UTF_8);

    private final ChannelGroup channels;
    private final DrawCoordinator coordinator;
    private final LotteryThread lotteryThread;
    private final int idleTimeoutSeconds;
    private final int maxConnections;
    private final int handshakeTimeoutSeconds;
    /** TLS on the port, or null when it is off. */
    private final ServerTls tls;
    /** Connections accepted and not yet closed, refused ones not included. */
    private final AtomicInteger open = new AtomicInteger();

    /** Without a connection limit or a handshake deadline (tests of the pipelines). */
    public ServerInitializer(ChannelGroup channels, DrawCoordinator coordinator, LotteryThread lotteryThread,
                             int idleTimeoutSeconds) {
        this(channels, coordinator, lotteryThread, idleTimeoutSeconds, Integer.MAX_VALUE, 0);
    }

    /**
     * @param channels                where accepted channels are registered
     * @param coordinator             the shared lottery state, owned by {@code lotteryThread}
     * @param lotteryThread           the single thread that runs every lottery connection's requests and the draw
     * @param idleTimeoutSeconds      time without a complete message that ends a connection; 0 disables the timer
     * @param maxConnections          open connections at most; one more is refused with TOO_MANY_CONNECTIONS
     * @param handshakeTimeoutSeconds time a connection has to show it is an echo or to complete its HELLO; 0: none
     */
    public ServerInitializer(ChannelGroup channels, DrawCoordinator coordinator, LotteryThread lotteryThread,
                             int idleTimeoutSeconds, int maxConnections, int handshakeTimeoutSeconds) {
        this(channels, coordinator, lotteryThread, idleTimeoutSeconds, maxConnections, handshakeTimeoutSeconds, null);
    }

    /** The same, with TLS on the port ({@code tls}; null: off). */
    public ServerInitializer(ChannelGroup channels, DrawCoordinator coordinator, LotteryThread lotteryThread,
                             int idleTimeoutSeconds, int maxConnections, int handshakeTimeoutSeconds, ServerTls tls) {
        this.tls = tls;
        this.channels = channels;
        this.coordinator = coordinator;
        this.lotteryThread = lotteryThread;
        this.idleTimeoutSeconds = idleTimeoutSeconds;
        this.maxConnections = maxConnections;
        this.handshakeTimeoutSeconds = handshakeTimeoutSeconds;
    }

    /** Connections open now (accepted, not refused, not yet closed). Any thread (the ops endpoint's gauge). */
    public int openConnections() {
        return open.get();
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        channels.add(ch);
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            refuse(ch);
            return;
        }
        ch.closeFuture().addListener(closed -> open.decrementAndGet());
        String ip = Peers.ip(ch);
        LOG.info("action: accept_connections | result: success | ip: {}", ip);
        ch.closeFuture().addListener(closed -> LOG.debug("action: close_connection | result: success | ip: {}", ip));
        if (handshakeTimeoutSeconds > 0) {
            HandshakeDeadline.start(ch, handshakeTimeoutSeconds);
        }
        ChannelPipeline pipeline = ch.pipeline();
        if (idleTimeoutSeconds > 0) {
            pipeline.addLast(IDLE_HANDLER, new MessageIdleHandler(idleTimeoutSeconds));
        }
        pipeline.addLast(PROTOCOL_DETECTOR, new ProtocolDetector(this))
                // Before the first byte too: a peer that resets at once is one quiet line, not a stack trace.
                .addLast(EXCEPTION_HANDLER, ExceptionHandler.INSTANCE);
    }

    /** Writes ERROR(TOO_MANY_CONNECTIONS) in the lottery protocol (an echo client sees a few odd bytes) and closes. */
    private void refuse(SocketChannel ch) {
        REFUSALS.counted("refuse_connection", Level.WARN, refused -> "action: refuse_connection | result: fail"
                + " | reason: max_connections | max: " + maxConnections + " | refused: " + refused);
        // Nothing it sends is read: the connection is over.
        ch.config().setAutoRead(false);
        LotteryPipeline.addLast(ch.pipeline());
        ch.writeAndFlush(ErrorReply.of(ErrorCode.TOO_MANY_CONNECTIONS, null, 0,
                "the server holds its maximum of " + maxConnections + " connections"))
                .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public boolean tls() {
        return tls != null;
    }

    @Override
    public boolean plainAllowed() {
        return tls == null || tls.allowPlain();
    }

    @Override
    public void installTls(ChannelHandlerContext detector) {
        ChannelPipeline pipeline = detector.pipeline();
        pipeline.addAfter(detector.name(), SSL_HANDLER, tls.newHandler(detector.alloc()))
                .addAfter(SSL_HANDLER, TLS_HANDSHAKE_HANDLER, new TlsHandshakeHandler())
                .addAfter(TLS_HANDSHAKE_HANDLER, TLS_PROTOCOL_DETECTOR, new ProtocolDetector(this, true));
    }

    /** ERROR(TLS_REQUIRED) in the lottery protocol, in clear, then closed; nothing more is read. */
    @Override
    public void refusePlain(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        ch.config().setAutoRead(false);
        HandshakeDeadline deadline = HandshakeDeadline.of(ch);
        if (deadline != null) {
            deadline.cancel();
        }
        LotteryPipeline.addLast(ch.pipeline());
        ch.writeAndFlush(ErrorReply.of(ErrorCode.TLS_REQUIRED, null, 0,
                "this server takes the lottery protocol over TLS only: connect with TLS (client tls.ca)"))
                .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void installLottery(ChannelPipeline pipeline) {
        removePreDetection(pipeline);
        // The lottery thread writes each answer with its own flush; the Acks one force releases are queued on the
        // event loop together, and Netty's FlushConsolidationHandler turns their flushes into one, after them: one
        // system call instead of one per Ack.
        pipeline.addLast(FLUSH_CONSOLIDATION, new FlushConsolidationHandler(
                FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
        LotteryPipeline.addServerLast(pipeline);
        addIdle(pipeline);
        HandshakeDeadline deadline = HandshakeDeadline.of(pipeline.channel());
        if (deadline != null) {
            pipeline.addLast(HANDSHAKE_HANDLER, deadline);
        }
        pipeline.addLast(LOTTERY_HANDLER, new LotteryHandler(coordinator, lotteryThread))
                .addLast(EXCEPTION_HANDLER, ExceptionHandler.INSTANCE);
    }

    @Override
    public void installEcho(ChannelPipeline pipeline) {
        HandshakeDeadline deadline = HandshakeDeadline.of(pipeline.channel());
        if (deadline != null) {
            // A line echo has no handshake: its first byte was all it needed.
            deadline.cancel();
        }
        removePreDetection(pipeline);
        pipeline.addLast(LINE_DECODER, new EchoLineDecoder(MAX_LINE_BYTES));
        addIdle(pipeline);
        pipeline.addLast(STRING_DECODER, UTF8_DECODER)
                .addLast(STRING_ENCODER, UTF8_ENCODER)
                .addLast(ECHO_HANDLER, LineEchoHandler.INSTANCE)
                .addLast(EXCEPTION_HANDLER, ExceptionHandler.INSTANCE);
    }

    /** Removes the handlers that only serve until the protocol is known (the detector removes itself). */
    private static void removePreDetection(ChannelPipeline pipeline) {
        if (pipeline.get(IDLE_HANDLER) != null) {
            pipeline.remove(IDLE_HANDLER);
        }
        if (pipeline.get(EXCEPTION_HANDLER) != null) {
            pipeline.remove(EXCEPTION_HANDLER);
        }
    }

    /** The idle timer, behind the decoders just added, so only whole messages reset it. */
    private void addIdle(ChannelPipeline pipeline) {
        if (idleTimeoutSeconds > 0) {
            pipeline.addLast(IDLE_HANDLER, new MessageIdleHandler(idleTimeoutSeconds));
        }
    }
}
