package lottery.server.ops;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import lottery.server.round.DrawCoordinator;
import lottery.server.round.LotteryThread;
import lottery.server.store.StoreEngine;

/**
 * The ops endpoint (SERVER_METRICS_PORT): a small HTTP server beside the lottery port, with {@code GET /metrics}
 * (Prometheus text format), {@code /health}, {@code /ready}, {@code /status.json} and the status page {@code /}
 * ({@link OpsHandler}). Nothing in this package is loaded unless the port is set: the start-up calls {@link #start}
 * only then, and the round sees only its own {@code RoundObserver} interface.
 *
 * <p>Thread context: {@link #start} and {@link #stop} run on the thread that starts or stops the server. The
 * endpoint has two threads of its own: {@code ops}, one event loop that accepts and serves every HTTP connection
 * (it never blocks: the round's state is asked of the lottery thread as a task, {@link DrawCoordinator#view}, and
 * the answer comes back as an event), and {@code ops-check}, where the storage's readiness probe may block for its
 * timeout. The metrics are fed by the lottery and store-sync threads through thread-safe adders.
 */
public final class OpsServer {
    /** The status page, a classpath resource (written by the page's own change; a 404 until it is there). */
    public static final String STATUS_PAGE = "lottery/server/ops/status.html";
    /** The longest request accepted (line, headers and body), in bytes. */
    static final int MAX_REQUEST_BYTES = 8192;
    /** A connection that sends nothing for this long is closed. */
    private static final int READ_TIMEOUT_SECONDS = 30;

    private final EventLoopGroup loop;
    private final EventExecutor checkThread;
    private final Channel channel;

    private OpsServer(EventLoopGroup loop, EventExecutor checkThread, Channel channel) {
        this.loop = loop;
        this.checkThread = checkThread;
        this.channel = channel;
    }

    /**
     * Makes the metrics the round's observer ({@link DrawCoordinator#observe}: call this before the round begins)
     * and serves the endpoint on {@code address}:{@code port}.
     *
     * @param openConnections the lottery port's open connections (thread-safe)
     * @param engine          the storage engine, whose probe {@code /ready} asks
     * @throws IOException when the port cannot be bound; nothing is left running
     */
    public static OpsServer start(InetAddress address, int port, DrawCoordinator coordinator, LotteryThread lottery,
                                  IntSupplier openConnections, StoreEngine engine)
            throws IOException, InterruptedException {
        OpsMetrics metrics = new OpsMetrics(openConnections);
        coordinator.observe(metrics);
        byte[] page = statusPage();
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("ops"),
                NioIoHandler.newFactory());
        EventExecutor checkThread = new DefaultEventExecutor(new DefaultThreadFactory("ops-check"));
        BetRate rate = new BetRate(metrics::betsStored);
        OpsHandler.Context context = new OpsHandler.Context(coordinator, lottery, metrics, rate, engine.probe(),
                checkThread, page);
        ServerBootstrap bootstrap = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(new ReadTimeoutHandler(READ_TIMEOUT_SECONDS))
                                .addLast(new HttpServerCodec(new HttpDecoderConfig()
                                        .setMaxInitialLineLength(MAX_REQUEST_BYTES / 2)
                                        .setMaxHeaderSize(MAX_REQUEST_BYTES)))
                                .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                .addLast(new OpsHandler(context));
                    }
                });
        try {
            Channel channel = bootstrap.bind(address, port).sync().channel();
            loop.next().scheduleAtFixedRate(rate::sample, BetRate.INTERVAL_SECONDS, BetRate.INTERVAL_SECONDS,
                    TimeUnit.SECONDS);
            return new OpsServer(loop, checkThread, channel);
        } catch (InterruptedException e) {
            shutdown(loop, checkThread, 200);
            throw e;
        } catch (Exception e) {
            shutdown(loop, checkThread, 200);
            throw new IOException("cannot listen on " + address.getHostAddress() + " port " + port
                    + " (SERVER_METRICS_PORT): " + e.getMessage(), e);
        }
    }

    /** The status page's bytes, read once here (never on the event loop), or null when it is not on the classpath. */
    private static byte[] statusPage() throws IOException {
        try (InputStream in = OpsServer.class.getClassLoader().getResourceAsStream(STATUS_PAGE)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    /** The address the endpoint listens on (its real port when asked for port 0). */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Closes the port and its connections and ends both threads, waiting at most about {@code millis}. */
    public void stop(long millis) {
        channel.close().awaitUninterruptibly(millis);
        shutdown(loop, checkThread, millis);
    }

    private static void shutdown(EventLoopGroup loop, EventExecutor checkThread, long millis) {
        Future<?> loopDone = loop.shutdownGracefully(0, millis, TimeUnit.MILLISECONDS);
        Future<?> checkDone = checkThread.shutdownGracefully(0, millis, TimeUnit.MILLISECONDS);
        loopDone.awaitUninterruptibly(millis);
        checkDone.awaitUninterruptibly(millis);
    }
}
