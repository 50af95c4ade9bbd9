package lottery.server.net;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import lottery.protocol.codec.LotteryPipeline;
import lottery.server.lottery.DrawCoordinator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up every accepted connection: registers it in the server's channel group (so a stop can close it), logs it,
 * and installs an idle timer and the {@link ProtocolDetector}, which later calls back one of the two install methods.
 *
 * <pre>
 * lottery: idle | frameDecoder frameEncoder messageDecoder messageEncoder | lotteryHandler exceptionHandler
 * echo:    idle | lineDecoder stringDecoder stringEncoder lineEchoHandler exceptionHandler
 * </pre>
 * Every handler runs on the channel's event loop; the lottery handler hands its requests to the lottery thread (one
 * for the whole server), so blocking work never runs on an event loop. Sharable: it holds only thread-safe
 * collaborators (the coordinator is only passed on, to be used on the lottery thread).
 */
public final class ServerInitializer extends ChannelInitializer<SocketChannel> implements ProtocolDetector.Protocols {
    public static final String IDLE_HANDLER = "idle";
    public static final String PROTOCOL_DETECTOR = "protocolDetector";
    public static final String LOTTERY_HANDLER = "lotteryHandler";
    public static final String LINE_DECODER = "lineDecoder";
    public static final String STRING_DECODER = "stringDecoder";
    public static final String STRING_ENCODER = "stringEncoder";
    public static final String ECHO_HANDLER = "lineEchoHandler";
    public static final String EXCEPTION_HANDLER = "exceptionHandler";
    /** Longest echoed line, in bytes (the lottery frame limit, for symmetry). */
    public static final int MAX_LINE_BYTES = 8192;

    private static final Logger LOG = LoggerFactory.getLogger(ServerInitializer.class);
    // Sharable: they keep no per-channel state.
    private static final StringDecoder UTF8_DECODER = new StringDecoder(StandardCharsets.UTF_8);
    private static final StringEncoder UTF8_ENCODER = new StringEncoder(StandardCharsets.UTF_8);

    private final ChannelGroup channels;
    private final DrawCoordinator coordinator;
    private final Executor lotteryThread;
    private final int idleTimeoutSeconds;

    /**
     * @param channels           where accepted channels are registered
     * @param coordinator        the shared lottery state, owned by {@code lotteryThread}
     * @param lotteryThread      the single thread that runs every lottery connection's requests and the draw
     * @param idleTimeoutSeconds reader idle time that ends a connection; 0 disables the timer
     */
    public ServerInitializer(ChannelGroup channels, DrawCoordinator coordinator, Executor lotteryThread,
                             int idleTimeoutSeconds) {
        this.channels = channels;
        this.coordinator = coordinator;
        this.lotteryThread = lotteryThread;
        this.idleTimeoutSeconds = idleTimeoutSeconds;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        channels.add(ch);
        String ip = Peers.ip(ch);
        LOG.info("action: accept_connections | result: success | ip: {}", ip);
        ch.closeFuture().addListener(closed -> LOG.debug("action: close_connection | result: success | ip: {}", ip));
        ChannelPipeline pipeline = ch.pipeline();
        if (idleTimeoutSeconds > 0) {
            pipeline.addLast(IDLE_HANDLER, new IdleStateHandler(idleTimeoutSeconds, 0, 0));
        }
        pipeline.addLast(PROTOCOL_DETECTOR, new ProtocolDetector(this));
    }

    @Override
    public void installLottery(ChannelPipeline pipeline) {
        LotteryPipeline.addLast(pipeline);
        pipeline.addLast(LOTTERY_HANDLER, new LotteryHandler(coordinator, lotteryThread))
                .addLast(EXCEPTION_HANDLER, ExceptionHandler.INSTANCE);
    }

    @Override
    public void installEcho(ChannelPipeline pipeline) {
        pipeline.addLast(LINE_DECODER, new EchoLineDecoder(MAX_LINE_BYTES))
                .addLast(STRING_DECODER, UTF8_DECODER)
                .addLast(STRING_ENCODER, UTF8_ENCODER)
                .addLast(ECHO_HANDLER, LineEchoHandler.INSTANCE)
                .addLast(EXCEPTION_HANDLER, ExceptionHandler.INSTANCE);
    }
}
