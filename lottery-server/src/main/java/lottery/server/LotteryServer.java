package lottery.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import lottery.common.log.LogText;
import lottery.common.log.ShutdownLog;
import lottery.server.net.AcceptErrorHandler;
import lottery.server.net.ListeningPort;
import lottery.server.net.NettyLotteryThread;
import lottery.server.net.ServerInitializer;
import lottery.server.net.ServerTls;
import lottery.server.net.TlsSettings;
import lottery.server.ops.OpsServer;
import lottery.server.round.AgencySecrets;
import lottery.server.round.DrawCoordinator;
import lottery.server.round.LotteryThread;
import lottery.server.store.BetStore;
import lottery.server.store.OpenedRound;
import lottery.server.store.StoreEngine;
import lottery.server.store.csv.CsvEngine;
import lottery.server.store.postgres.PgEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's resources and their life cycle: one acceptor event loop, the I/O event loops, the lottery thread, the
 * group of open channels, the bets store and the draw coordinator.
 *
 * <p>Start-up order (see {@link #start}): bind the port without accepting, lock the storage, read the round back,
 * archive or resume the round, then accept. The storage lock is held until {@link #stop()} has closed the store.
 *
 * <p>Who owns what: the event loops own the connections (decoding, encoding, the echo); the <em>lottery thread</em>,
 * a single-threaded executor, owns the bets store, the draw coordinator and every lottery connection's
 * conversation, and runs all their requests and the draw, in the order they were handed to it, without locks; only
 * the group commit's forces ({@code store-sync}), a shared store's polls ({@code draw-poll}) and its database-only
 * calls (a HELLO's claim, an answered record: {@code store-io}) use the store from threads of their own. Once all of
 * them have ended, the store passes to the thread that stops the server, which
 * closes it.
 *
 * <p>Thread context: {@link #start} and {@link #stop()} are synchronized and may be called from any thread (the main
 * thread, the SIGTERM shutdown hook, a test); {@link #stop()} is idempotent. It stops accepting, lets the requests
 * already handed to the lottery thread finish (bounded by {@code shutdown_grace_seconds}), refuses new ones and held
 * winners queries with SHUTTING_DOWN, closes every connection, shuts the executors down, waits for every thread that
 * uses the bets store (lottery, store-sync, store-io, draw-poll) and only then closes it, logging each resource.
 */
public final class LotteryServer {
    private static final Logger LOG = LoggerFactory.getLogger(LotteryServer.class);
    /** The least time a closing step gets, even when the grace period is over: the last writes and the close. */
    private static final long MIN_STEP_MILLIS = 200;
    /** Threads of the shared store's database-only calls ({@code store-io}). */
    private static final int STORE_IO_THREADS = 4;

    private final ServerConfig config;
    /** The operator asked for a new round ({@code --new-round}) whatever the round log says. */
    private final boolean newRound;
    /** The address given to the constructor, or null: {@code config.listenAddress()}, resolved by {@link #start}. */
    private final InetAddress bindAddress;
    private final CountDownLatch terminated = new CountDownLatch(1);

    private EventLoopGroup acceptor;
    private EventLoopGroup ioLoops;
    /** The single thread that owns the store and the coordinator and runs every lottery request and the draw. */
    private EventExecutor lotteryThread;
    /** Where the group commit's forces run, so the lottery thread goes on meanwhile. */
    private EventExecutor syncThread;
    /** With a shared store: what ticks its polls, and where they (and so the draw) run (see DrawCoordinator). */
    private EventExecutor drawPollThread;
    /** With a shared store, the threads of its database-only calls (a HELLO's claim, an answered record). */
    private EventExecutorGroup storeIoThreads;
    /** The storage engine: opens the round, and holds what it took (the CSV store's lock) until the stop. */
    private StoreEngine engine;
    private ChannelGroup channels;
    private BetStore store;
    private DrawCoordinator coordinator;
    /** The lottery port, bound first; its socket passes to {@link #serverChannel} once Netty is up. */
    private ListeningPort listeningPort;
    private Channel serverChannel;
    /** The ops endpoint (SERVER_METRICS_PORT), or null when it is off. */
    private OpsServer ops;
    private boolean started;
    private boolean stopped;

    /** A server listening on {@link ServerConfig#listenAddress()}, resolved when it starts. */
    public LotteryServer(ServerConfig config) {
        this(config, false);
    }

    /**
     * A server listening on {@link ServerConfig#listenAddress()}; with {@code newRound} it archives the round it
     * finds and starts a new one even when that round is not complete.
     */
    public LotteryServer(ServerConfig config, boolean newRound) {
        this.config = config;
        this.bindAddress = null;
        this.newRound = newRound;
    }

    /**
     * A server listening on {@code bindAddress} whatever {@link ServerConfig#listenAddress()} says (tests: loopback).
     */
    public LotteryServer(ServerConfig config, InetAddress bindAddress) {
        this(config, bindAddress, false);
    }

    /** A server listening on {@code bindAddress}, with or without {@code --new-round}. */
    public LotteryServer(ServerConfig config, InetAddress bindAddress, boolean newRound) {
        this.config = config;
        this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
        this.newRound = newRound;
    }

    /**
     * Starts the server, in this order: resolves the listen address and binds the port with the JDK alone
     * ({@link ListeningPort}: connections from then on wait in the backlog, none is accepted), so agencies started
     * with the server are queued rather than refused while the rest starts; reads the agencies' secrets; lets the
     * storage engine take its storage and read the round back, changing nothing ({@link StoreEngine#prepare}: the
     * CSV engine locks the bets file, and another server there stops this one before anything is touched); starts
     * Netty and hands it the bound socket, not reading yet; then, the port being ours, has the engine resume the
     * round or start a new one ({@link StoreEngine#open}); queues the draw if every agency had finished without one;
     * and only then accepts connections.
     *
     * @return the address the server listens on (its port is the real one when the configured port is 0)
     * @throws UnknownHostException when the listen address cannot be resolved; the bets file is left alone
     * @throws IOException when the storage is locked, corrupt or cannot be opened, or the port cannot be bound;
     *                     nothing is left running
     * @throws InterruptedException when interrupted while binding; nothing is left running, the interrupt stays set
     */
    public synchronized InetSocketAddress start() throws IOException, InterruptedException {
        if (started) {
            throw new IllegalStateException("the server was already started");
        }
        started = true;
        InetAddress address = bindAddress != null ? bindAddress : resolve(config.listenAddress());
        // First, with the JDK alone: from here on an agency's connect is queued in the backlog, not refused, while
        // the rest of the start (Netty, the storage) runs. Nothing is accepted before the round is open.
        listeningPort = ListeningPort.bind(address, config.port(), config.listenBacklog());
        InetSocketAddress local = listeningPort.address();
        LOG.info("action: bind | result: success | port: {}", local.getPort());
        AgencySecrets secrets;
        ServerTls tls;
        try {
            secrets = config.secretsFile() == null ? AgencySecrets.none()
                    : AgencySecrets.load(config.secretsFile(), config.agencies());
            // Before the storage is touched: a wrong certificate or key stops the server with one line.
            tls = config.tls() == null ? null : ServerTls.load(config.tls());
        } catch (IOException | RuntimeException e) {
            stop();
            throw e;
        }
        engine = engine();
        // File channels close themselves on an interrupted thread; the interrupt is for the wait for the bind.
        boolean interrupted = Thread.interrupted();
        try {
            engine.prepare(secrets.enabled());
        } catch (IOException | RuntimeException e) {
            stop();
            throw e;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (secrets.enabled()) {
            LOG.info("action: authentication | result: success | agencies: {}", secrets.size());
        } else {
            // result: success, not "disabled": the course's log parser accepts only success, fail and in_progress.
            LOG.warn("action: authentication | result: success | mode: disabled | reason: SERVER_SECRETS_FILE not"
                    + " set, any client can act as any agency");
        }
        if (tls != null) {
            LOG.info(tls.logLine());
            // (Without a client CA the authentication line above already says that agencies are not checked.)
            if (config.tls().clientAuth() == TlsSettings.ClientAuth.OPTIONAL && !secrets.enabled()) {
                LOG.warn("action: tls | result: success | mode: agencies_unauthenticated | reason: an agency without"
                        + " a certificate (client_auth {}) and without SERVER_SECRETS_FILE can act as any agency",
                        config.tls().clientAuth().name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("acceptor"), NioIoHandler.newFactory());
        ioLoops = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("io"), NioIoHandler.newFactory());
        lotteryThread = new DefaultEventExecutor(new DefaultThreadFactory("lottery"));
        syncThread = new DefaultEventExecutor(new DefaultThreadFactory("store-sync"));
        channels = new DefaultChannelGroup("connections", GlobalEventExecutor.INSTANCE);
        // With PostgreSQL an Ack always waits for its commit (SERVER_FSYNC=false only stops the commit waiting for
        // the WAL on disk): before it, the other servers cannot see the batch.
        drawPollThread = config.sharedStore() ? new DefaultEventExecutor(new DefaultThreadFactory("draw-poll")) : null;
        // A few, so HELLOs that wait for an unreachable database (each up to the pool's timeout) do not queue behind
        // one another; daemons, so a claim still retrying through an outage never keeps the process alive.
        storeIoThreads = config.sharedStore()
                ? new DefaultEventExecutorGroup(STORE_IO_THREADS, new DefaultThreadFactory("store-io", true)) : null;
        LotteryThread lottery = new NettyLotteryThread(lotteryThread);
        coordinator = new DrawCoordinator(config.agencies(), lottery, syncThread, drawPollThread, storeIoThreads,
                secrets, config.fsync() || config.sharedStore());
        ServerInitializer initializer = new ServerInitializer(channels, coordinator, lottery,
                config.idleTimeoutSeconds(), config.maxConnections(), config.handshakeTimeoutSeconds(), tls);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptor, ioLoops)
                // The socket bound above (its backlog set there); registered below, not bound again.
                .channelFactory(listeningPort.channelFactory())
                // No connection is accepted until the round is open (see openRound).
                .option(ChannelOption.AUTO_READ, false)
                // Accept failures (EMFILE at the open-file limit): a pause and one line per interval, no stack traces.
                .handler(new AcceptErrorHandler())
                .childOption(ChannelOption.TCP_NODELAY, true)
                // A peer that half-closes (printf hola | nc) still gets its answers.
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                // Accepted connections read (the server channel's AUTO_READ above is not inherited).
                .childOption(ChannelOption.AUTO_READ, true)
                .childHandler(initializer);
        try {
            serverChannel = bootstrap.register().sync().channel();
        } catch (InterruptedException e) {
            // Not an I/O failure: whoever interrupted us must still see the interrupt.
            stop();
            Thread.currentThread().interrupt();
            throw e;
        } catch (Exception e) {
            stop();
            throw new IOException("cannot register the listening socket on port " + local.getPort() + ": "
                    + e.getMessage(), e);
        }
        if (config.opsEnabled()) {
            // Before the round opens: /health answers during a long recovery, /ready says the round is not open.
            try {
                ops = OpsServer.start(address, config.metricsPort(), coordinator, lottery,
                        initializer::openConnections, engine);
            } catch (InterruptedException e) {
                stop();
                Thread.currentThread().interrupt();
                throw e;
            } catch (IOException e) {
                stop();
                throw e;
            }
            LOG.info("action: ops_listen | result: success | port: {}", ops.address().getPort());
        }
        // On the lottery thread: it owns the store from now on, and it is never interrupted.
        Future<?> opened = lotteryThread.submit(() -> {
            openRound();
            return null;
        }).awaitUninterruptibly();
        if (!opened.isSuccess()) {
            stop();
            Throwable cause = opened.cause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot open the round: " + cause, cause);
        }
        serverChannel.config().setAutoRead(true);
        LOG.info("action: accept_connections | result: in_progress");
        return local;
    }

    /** The storage engine SERVER_STORE names: the only place the server chooses one. */
    private StoreEngine engine() {
        if (config.sharedStore()) {
            return new PgEngine(config.postgres(), config.agencies(), newRound, config.fsync());
        }
        return new CsvEngine(config.storagePath(), config.agencies(), newRound);
    }

    /** Resumes the round or starts a new one (see {@link StoreEngine#open}); on the lottery thread. */
    private void openRound() throws IOException {
        OpenedRound round = engine.open();
        store = round.store();
        coordinator.begin(store, round.snapshot());
    }

    /**
     * Stops the server gracefully (see the class comment). Idempotent; later calls return at once. The whole stop
     * shares one deadline, {@code shutdown_grace_seconds} from now (each closing step gets at least
     * {@value #MIN_STEP_MILLIS} ms), so it ends well within {@code docker stop}'s default 10 s.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(config.shutdownGraceSeconds());
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly(stepMillis(deadline));
            ShutdownLog.closed(ShutdownLog.SERVER_SOCKET);
        } else if (listeningPort != null) {
            // A start that failed before Netty had the socket.
            closeLogged(listeningPort, ShutdownLog.SERVER_SOCKET);
        }
        if (ops != null) {
            ops.stop(stepMillis(deadline));
            ShutdownLog.closed(ShutdownLog.OPS_ENDPOINT);
        }
        boolean storeReleased = true;
        if (lotteryThread != null) {
            // Queued behind every request already handed over, so those finish first; only later ones are refused.
            // Once it has run (its last force released the Acks waiting for one), the SHUTTING_DOWN answers to held
            // queries are on their way to the event loops.
            if (!lotteryThread.submit(coordinator::close).awaitUninterruptibly(stepMillis(deadline))) {
                ShutdownLog.failed(ShutdownLog.IN_FLIGHT_REQUESTS, "grace period over");
            }
        }
        if (channels != null) {
            channels.close().awaitUninterruptibly(stepMillis(deadline));
            ShutdownLog.closed(ShutdownLog.CLIENT_CONNECTIONS);
        }
        if (lotteryThread != null) {
            // Closing the connections queued their last events on the lottery thread; it runs them, then ends.
            storeReleased = lotteryThread.shutdownGracefully(0, stepMillis(deadline), TimeUnit.MILLISECONDS)
                    .awaitUninterruptibly(stepMillis(deadline));
            if (storeReleased) {
                ShutdownLog.closed(ShutdownLog.LOTTERY_EXECUTOR);
            } else {
                ShutdownLog.failed(ShutdownLog.LOTTERY_EXECUTOR, "still busy");
            }
        }
        // The store's other users: a force may still run on store-sync, a poll (maybe the draw) on draw-poll. The
        // store is closed only once they have ended too.
        String storeUser = storeReleased ? null : "the lottery thread";
        if (syncThread != null && !ended(syncThread, deadline) && storeUser == null) {
            storeUser = "the store-sync thread";
        }
        if (storeIoThreads != null && !ended(storeIoThreads, deadline) && storeUser == null) {
            // A HELLO's claim still retrying through a database outage: nobody waits for it any more.
            storeUser = "a store-io thread";
        }
        if (drawPollThread != null && !ended(drawPollThread, deadline) && storeUser == null) {
            // A draw still running there past the deadline keeps the store open; the process ends its transaction,
            // which rolls back, and another server's poll (or this one's after a restart) runs it.
            storeUser = "the draw-poll thread";
        }
        if (acceptor != null) {
            long quiet = stepMillis(deadline);
            Future<?> acceptorDone = acceptor.shutdownGracefully(0, quiet, TimeUnit.MILLISECONDS);
            Future<?> ioDone = ioLoops.shutdownGracefully(0, quiet, TimeUnit.MILLISECONDS);
            acceptorDone.awaitUninterruptibly(quiet + MIN_STEP_MILLIS);
            ioDone.awaitUninterruptibly(quiet + MIN_STEP_MILLIS);
            ShutdownLog.closed(ShutdownLog.EVENT_LOOPS);
        }
        if (store != null && storeUser != null) {
            // A thread is still inside a call: closing it now could cut a batch (or a force, or the draw) in half.
            ShutdownLog.failed(ShutdownLog.BET_STORE, storeUser + " still uses it");
        } else if (store != null) {
            // Every thread that used it has ended (awaited above), so this thread now owns the store.
            closeLogged(store, ShutdownLog.BET_STORE);
        }
        if (engine != null && storeUser == null) {
            try {
                engine.close();
            } catch (IOException e) {
                LOG.warn("action: unlock_storage | result: fail | error: {}",
                        LogText.clean(String.valueOf(e.getMessage())));
            }
        }
        terminated.countDown();
    }

    /** Closes {@code resource}, logging {@code action: shutdown} for it: success, or fail with the error. */
    private static void closeLogged(Closeable resource, String name) {
        try {
            resource.close();
            ShutdownLog.closed(name);
        } catch (IOException e) {
            ShutdownLog.failed(name, e);
        }
    }

    /** The address of an IP literal or a host name (in Docker Compose, a service's name is its own address). */
    private static InetAddress resolve(String host) throws UnknownHostException {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            UnknownHostException unresolved = new UnknownHostException("cannot resolve SERVER_IP '" + host
                    + "' to an address (" + e.getMessage() + ")");
            unresolved.initCause(e);
            throw unresolved;
        }
    }

    /** Shuts {@code executor} down and waits until its thread has ended, at most until {@code deadline}. */
    private static boolean ended(EventExecutorGroup executor, long deadline) {
        return executor.shutdownGracefully(0, stepMillis(deadline), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(stepMillis(deadline));
    }

    /** Milliseconds a closing step may take: what is left until {@code deadline}, but at least a short minimum. */
    private static long stepMillis(long deadline) {
        return Math.max(MIN_STEP_MILLIS, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    /** Where the ops endpoint listens (SERVER_METRICS_PORT, its real port when 0), or null when it is off. */
    public synchronized InetSocketAddress opsAddress() {
        return ops == null ? null : ops.address();
    }

    /** Waits until {@link #stop()} has finished. */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }
}
