package lottery.client.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import lottery.client.GoDuration;
import lottery.client.StopSignal;
import lottery.common.log.LogText;
import lottery.common.log.ShutdownLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's Netty side: one event loop thread shared by every connection of the run, and connecting with retries.
 * The server may start after the client (Compose starts them together), so {@link #connect} retries with
 * exponential backoff (50 ms doubling up to 200 ms: a refused connect is cheap, and the short cap lets a client
 * notice a server that has just started within 200 ms) until the budget is spent; a stop request ends the wait at
 * once.
 * {@link #close()} shuts the event loop group down gracefully and logs it. Used by the client thread only.
 */
public final class ClientTransport implements AutoCloseable {
    static final Duration FIRST_BACKOFF = Duration.ofMillis(50);
    static final Duration MAX_BACKOFF = Duration.ofMillis(200);
    private static final int ATTEMPT_TIMEOUT_MILLIS = 5_000;
    private static final String INBOX = "inbox";
    private static final Logger LOG = LoggerFactory.getLogger(ClientTransport.class);

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final int clientId;
    private final StopSignal stop;

    public ClientTransport(int clientId, StopSignal stop) {
        this.clientId = clientId;
        this.stop = stop;
    }

    /**
     * Connects to {@code address}, retrying failed attempts with backoff for up to {@code retryFor} (zero: one
     * attempt).
     *
     * @param codec    adds the codec handlers to a new channel's pipeline; an {@link Inbox} for {@code type} is
     *                 added after them
     * @param type     the type of the decoded messages
     * @throws ConnectException when no attempt succeeded within the budget
     * @throws StoppedException when a stop was requested meanwhile
     */
    public <T> Connection<T> connect(ServerAddress address, Consumer<ChannelPipeline> codec, Class<T> type,
                                     Duration retryFor) throws ConnectException, StoppedException {
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, ATTEMPT_TIMEOUT_MILLIS)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        codec.accept(channel.pipeline());
                        channel.pipeline().addLast(INBOX, new Inbox<>(type, stop));
                    }
                });
        long start = System.nanoTime();
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            ChannelFuture future = bootstrap.connect(address.host(), address.port());
            StopSignal.Registration cancelOnStop = stop.onStop(() -> future.cancel(false));
            try {
                future.awaitUninterruptibly(); // bounded by CONNECT_TIMEOUT_MILLIS
            } finally {
                cancelOnStop.close();
            }
            if (future.isSuccess()) {
                @SuppressWarnings("unchecked") // the initializer above added an Inbox<T>
                Inbox<T> inbox = (Inbox<T>) future.channel().pipeline().get(INBOX);
                return new Connection<>(future.channel(), inbox);
            }
            if (stop.isRequested()) {
                throw new StoppedException();
            }
            String error = describe(future.cause());
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            if (elapsed.plus(backoff).compareTo(retryFor) > 0) {
                throw new ConnectException("cannot connect to " + address + " (" + attempt + " attempts in "
                        + GoDuration.of(elapsed.truncatedTo(ChronoUnit.MILLIS)) + "): "
                        + error, future.cause());
            }
            LOG.debug("action: connect | result: in_progress | client_id: {} | attempt: {} | error: {} | retry_in: {}",
                    clientId, attempt, error, GoDuration.of(backoff));
            if (stop.await(backoff)) {
                throw new StoppedException();
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private static String describe(Throwable cause) {
        if (cause == null) {
            return "connection attempt cancelled";
        }
        return LogText.clean(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
    }

    /** Shuts the event loop group down gracefully (pending writes finish first) and logs it. */
    @Override
    public void close() {
        boolean done = group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (done) {
            ShutdownLog.closed(ShutdownLog.EVENT_LOOP_GROUP);
        } else {
            ShutdownLog.failed(ShutdownLog.EVENT_LOOP_GROUP, new IllegalStateException("still running after 5s"));
        }
    }
}
