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
import io.netty.handler.ssl.SslHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import lottery.client.GoDuration;
import lottery.client.StopSignal;
import lottery.common.log.LogText;
import lottery.common.log.ShutdownLog;
import lottery.common.retry.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's Netty side: one event loop thread shared by every connection of the run, and connecting with retries.
 * The server may start after the client (Compose starts them together), so {@link #connect} retries with
 * exponential backoff (50 ms doubling up to 200 ms: a refused connect is cheap, and the short cap lets a client
 * notice a server that has just started within 200 ms) until the budget is spent; a stop request ends the wait at
 * once.
 *
 * <p><b>Every address of the host, failover.</b> Each attempt resolves the host again ({@link AddressResolver}:
 * all its addresses, not only the first as {@code Bootstrap.connect(host, port)} would) and sorts them, so every
 * client sees the same order whatever order the DNS answers in. The first connection starts at address
 * {@code clientId mod count}, which spreads the agencies evenly over server replicas that share one name (Docker
 * Compose's DNS round robin); that first connection waits up to {@link #HOME_GRACE} for that address (replicas and
 * agencies start together) before it takes another. Then the transport stays on the address it is connected to, and
 * moves on to the next one in the list after a failed attempt or after {@link #failover()} (the caller lost its
 * session there). A round tries every address once without waiting; the backoff comes between rounds. With one
 * address (the course's single server) nothing changes. The chosen address is logged at DEBUG; a connection to another address than the previous
 * connection's (the client changed servers) at INFO ({@code action: connect | result: success | ... | address:
 * IP:PORT | failover_from: IP:PORT}).
 *
 * <p>{@link #close()} shuts the event loop group down gracefully and logs it. Used by the client thread only.
 */
public final class ClientTransport implements AutoCloseable {
    static final Duration FIRST_BACKOFF = Duration.ofMillis(50);
    static final Duration MAX_BACKOFF = Duration.ofMillis(200);
    /**
     * How long an agency's first connection waits for its own address (agency id mod count) before it takes
     * another: Compose starts the replicas and the agencies together, and an agency that took whichever replica
     * listened first would stay there (seen: 3 of 5 agencies on one of 3 replicas, none on another). A replica's
     * JVM listens within about a second of its start; a replica that is down costs its agencies this much, once.
     */
    static final Duration HOME_GRACE = Duration.ofSeconds(2);
    private static final int ATTEMPT_TIMEOUT_MILLIS = 5_000;
    private static final String INBOX = "inbox";
    private static final io.netty.util.AttributeKey<Inbox<?>> INBOX_KEY =
            io.netty.util.AttributeKey.valueOf("lottery.inbox");
    private static final String SSL = "ssl";
    private static final String TLS_ALERTS = "tlsAlerts";
    private static final Logger LOG = LoggerFactory.getLogger(ClientTransport.class);

    /** The same order for every client and every answer of the DNS: IPv4 first, then by the address bytes. */
    private static final Comparator<InetAddress> ADDRESS_ORDER = ClientTransport::compareAddresses;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final int clientId;
    private final StopSignal stop;
    private final AddressResolver resolver;
    /** TLS to the server, or null when it is off. */
    private final ClientTls tls;
    /** The address of the last connection or attempt; {@code null} before the first. */
    private InetSocketAddress current;
    /** Whether the next attempt goes to the address after {@link #current}: it failed, or was given up. */
    private boolean moveOn;
    /** The address of the last successful connection; {@code null} before the first. */
    private InetSocketAddress connected;

    public ClientTransport(int clientId, StopSignal stop) {
        this(clientId, stop, AddressResolver.SYSTEM);
    }

    /** A transport that looks the server's host up with {@code resolver} (tests give a list of loopback addresses). */
    public ClientTransport(int clientId, StopSignal stop, AddressResolver resolver) {
        this(clientId, stop, resolver, null);
    }

    /** A transport that speaks TLS ({@code tls}; null: plain) to every server it connects to. */
    public ClientTransport(int clientId, StopSignal stop, AddressResolver resolver, ClientTls tls) {
        this.clientId = clientId;
        this.stop = stop;
        this.resolver = resolver;
        this.tls = tls;
    }

    /**
     * The session on the current address is lost (closed, no answer, or a server that refuses it for now): the
     * next {@link #connect} starts with the next address of the host. No effect before the first connection.
     */
    public void failover() {
        if (current != null) {
            moveOn = true;
        }
    }

    /**
     * Connects to {@code address}, retrying failed attempts with backoff for up to {@code retryFor} (zero: one
     * round, each address of the host once).
     *
     * @param codec    adds the codec handlers to a new channel's pipeline; an {@link Inbox} for {@code type} is
     *                 added after them
     * @param type     the type of the decoded messages
     * @throws ConnectException when no attempt succeeded within the budget
     * @throws TlsHandshakeException when the TLS handshake failed for good (a certificate, an alert): not retried
     * @throws StoppedException when a stop was requested meanwhile
     */
    public <T> Connection<T> connect(ServerAddress address, Consumer<ChannelPipeline> codec, Class<T> type,
                                     Duration retryFor)
            throws ConnectException, TlsHandshakeException, StoppedException {
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, ATTEMPT_TIMEOUT_MILLIS)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    public boolean isSharable() {
                        return true; // ChannelInitializer's @Sharable, without Netty reading it (LotteryPipeline)
                    }

                    @Override
                    protected void initChannel(Channel channel) {
                        if (tls != null) {
                            channel.pipeline()
                                    .addLast(SSL, tls.newHandler(channel.alloc(), address.host(), address.port()))
                                    .addLast(TLS_ALERTS, new TlsAlerts(tls.nameFor(address.host())));
                        }
                        codec.accept(channel.pipeline());
                        Inbox<T> inbox = new Inbox<>(type, stop);
                        // Kept beside the pipeline: a connection the server closes at once (a TLS alert right after
                        // the handshake) has no handlers left by the time connect() looks.
                        channel.attr(INBOX_KEY).set(inbox);
                        channel.pipeline().addLast(INBOX, inbox);
                    }
                });
        long start = System.nanoTime();
        Backoff backoff = new Backoff(FIRST_BACKOFF, MAX_BACKOFF);
        int triedThisRound = 0;
        long homeGrace = Math.min(HOME_GRACE.toNanos(), retryFor.toNanos());
        for (int attempt = 1; ; attempt++) {
            List<InetSocketAddress> addresses;
            InetSocketAddress target = null;
            Throwable cause;
            // The first connection keeps to the agency's own address for a while (HOME_GRACE says why).
            boolean waitForHome = connected == null && System.nanoTime() - start < homeGrace;
            try {
                addresses = resolve(address);
                target = waitForHome ? home(addresses) : choose(addresses);
                current = target;
                moveOn = true; // until the attempt succeeds
                ChannelFuture future = bootstrap.connect(target);
                StopSignal.Registration cancelOnStop = stop.onStop(() -> future.cancel(false));
                try {
                    future.awaitUninterruptibly(); // bounded by CONNECT_TIMEOUT_MILLIS
                } finally {
                    cancelOnStop.close();
                }
                Throwable handshakeFailure = null;
                if (future.isSuccess() && tls != null) {
                    handshakeFailure = handshake(future.channel());
                    if (handshakeFailure != null) {
                        future.channel().close();
                        if (stop.isRequested()) {
                            throw new StoppedException();
                        }
                        if (ClientTls.isFinal(handshakeFailure)) {
                            TlsHandshakeException failure = TlsAlerts.exception(handshakeFailure,
                                    tls.nameFor(address.host()));
                            TlsAlerts.log(failure);
                            throw failure;
                        }
                    }
                }
                if (future.isSuccess() && handshakeFailure == null) {
                    moveOn = false;
                    logConnected(target, addresses.size());
                    connected = target;
                    @SuppressWarnings("unchecked") // the initializer above added an Inbox<T>
                    Inbox<T> inbox = (Inbox<T>) future.channel().attr(INBOX_KEY).get();
                    return new Connection<>(future.channel(), inbox);
                }
                cause = handshakeFailure != null ? handshakeFailure : future.cause();
            } catch (UnknownHostException e) {
                addresses = List.of();
                cause = e;
            }
            if (stop.isRequested()) {
                throw new StoppedException();
            }
            String error = describe(cause);
            String at = target == null ? "" : " | address: " + text(target);
            if (!waitForHome && ++triedThisRound < addresses.size()) {
                // Another address of the host has not been tried in this round: no backoff.
                LOG.debug("action: connect | result: in_progress | client_id: {} | attempt: {} | error: {} | retry_in:"
                        + " 0s{}", clientId, attempt, error, at);
                continue;
            }
            triedThisRound = 0;
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            if (elapsed.plus(backoff.peek()).compareTo(retryFor) > 0) {
                throw new ConnectException("cannot connect to " + address + " (" + attempt + " attempts in "
                        + GoDuration.of(elapsed.truncatedTo(ChronoUnit.MILLIS)) + "): "
                        + error, cause);
            }
            LOG.debug("action: connect | result: in_progress | client_id: {} | attempt: {} | error: {} | retry_in: {}{}",
                    clientId, attempt, error, GoDuration.of(backoff.peek()), at);
            if (stop.await(backoff.next())) {
                throw new StoppedException();
            }
        }
    }

    /**
     * Waits for the TLS handshake of {@code channel} (bounded by the handler's handshake timeout, 10 s; a stop
     * closes the channel at once).
     *
     * @return null when it succeeded, else why it failed
     */
    private Throwable handshake(Channel channel) {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return new java.io.IOException("the connection closed before the TLS handshake");
        }
        io.netty.util.concurrent.Future<Channel> done = ssl.handshakeFuture();
        StopSignal.Registration closeOnStop = stop.onStop(channel::close);
        try {
            done.awaitUninterruptibly();
        } finally {
            closeOnStop.close();
        }
        return done.isSuccess() ? null : done.cause();
    }

    /** Every address of the server's host, looked up now, without duplicates, in {@link #ADDRESS_ORDER}. */
    private List<InetSocketAddress> resolve(ServerAddress address) throws UnknownHostException {
        List<InetSocketAddress> addresses = resolver.resolve(address.host()).stream()
                .distinct()
                .sorted(ADDRESS_ORDER)
                .map(ip -> new InetSocketAddress(ip, address.port()))
                .toList();
        if (addresses.isEmpty()) {
            throw new UnknownHostException(address.host() + ": no address");
        }
        return addresses;
    }

    /**
     * The address to try: the current one while it works, the next one after it when it failed or was given up;
     * {@code clientId mod count} for the first attempt and when the current address is no longer in the list (a
     * stopped replica leaves the DNS).
     */
    private InetSocketAddress choose(List<InetSocketAddress> addresses) {
        int index = current == null ? -1 : addresses.indexOf(current);
        if (index < 0) {
            return home(addresses);
        }
        return addresses.get(moveOn ? (index + 1) % addresses.size() : index);
    }

    /** The agency's own address: {@code clientId mod count}, which spreads the agencies over the replicas. */
    private InetSocketAddress home(List<InetSocketAddress> addresses) {
        return addresses.get(Math.floorMod(clientId, addresses.size()));
    }

    /**
     * DEBUG, or INFO when the client changes servers: connected to another address than its last connection's (a
     * first connection that had to skip replicas not listening yet is not a failover).
     */
    private void logConnected(InetSocketAddress target, int count) {
        if (connected != null && !connected.equals(target)) {
            LOG.info("action: connect | result: success | client_id: {} | address: {} | failover_from: {}"
                    + " | addresses: {}", clientId, text(target), text(connected), count);
        } else {
            LOG.debug("action: connect | result: success | client_id: {} | address: {} | addresses: {}", clientId,
                    text(target), count);
        }
    }

    /** {@code IP:PORT} ({@code [v6]:PORT}), without the host name {@link InetSocketAddress#toString} may add. */
    private static String text(InetSocketAddress address) {
        String ip = address.getAddress().getHostAddress();
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + address.getPort();
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

    /**
     * {@link #ADDRESS_ORDER}: shorter addresses (IPv4) first, then by their bytes. Written out rather than composed
     * from Comparator's combinators, whose method-handle adaptations were spun at every start (docs/PERFORMANCE.md).
     */
    private static int compareAddresses(InetAddress a, InetAddress b) {
        byte[] x = a.getAddress();
        byte[] y = b.getAddress();
        return x.length != y.length ? Integer.compare(x.length, y.length) : Arrays.compareUnsigned(x, y);
    }
}
