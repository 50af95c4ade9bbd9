package lottery.loadgen;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import lottery.protocol.codec.LotteryPipeline;
import lottery.protocol.message.Ack;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Bet;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.ErrorReply;
import lottery.protocol.message.Hello;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.MessageType;
import lottery.protocol.message.Winners;

/**
 * A small stand-in for the issue-10 server, with faults: HELLO answers the agency's resume point (last stored
 * seq, stored bets), a BATCH already stored is acknowledged again without storing, a gap is SEQUENCE_GAP, FINISH is
 * idempotent, WINNERS_QUERY is held until every agency finished. Faults: every {@code dropEvery}-th stored batch
 * closes the connection before its Ack (stored but not acknowledged: the client must resume without duplicating),
 * and the first HELLO of each agency is refused with AGENCY_BUSY when {@code busyFirst}.
 *
 * <p>All channels share one event loop thread, so the state below needs no lock; the test reads it after the run.
 */
final class FakeServer implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final int agencies;
    private final int dropEvery;
    private final boolean busyFirst;
    /** An agency whose every HELLO is refused with AUTHENTICATION_FAILED; 0 = none. */
    private final int refused;
    private final Channel server;

    private final Map<Integer, Long> lastSeq = new HashMap<>();
    private final Map<Integer, List<Bet>> stored = new HashMap<>();
    private final Map<Integer, Boolean> finished = new HashMap<>();
    private final Map<Integer, Boolean> helloSeen = new HashMap<>();
    private final Map<Channel, Integer> held = new HashMap<>();
    private int storedBatches;
    private int duplicates;

    FakeServer(int agencies, int dropEvery, boolean busyFirst) throws InterruptedException {
        this(agencies, dropEvery, busyFirst, 0);
    }

    FakeServer(int agencies, int dropEvery, boolean busyFirst, int refused) throws InterruptedException {
        this(agencies, dropEvery, busyFirst, refused, null);
    }

    /**
     * @param tls the server's TLS ({@code null}: plain); when it asks for a client certificate, a HELLO whose agency
     *            is not the certificate's {@code CN=agency-N} is refused with AUTHENTICATION_FAILED, as the server does
     */
    FakeServer(int agencies, int dropEvery, boolean busyFirst, int refused, SslContext tls)
            throws InterruptedException {
        this.refused = refused;
        this.agencies = agencies;
        this.dropEvery = dropEvery;
        this.busyFirst = busyFirst;
        this.server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                        }
                        LotteryPipeline.addLast(ch.pipeline()).addLast(new Conversation());
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Reads the state on the server's loop (after the run, so nothing changes it any more). */
    <T> T inspect(java.util.function.Function<FakeServer, T> reader) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        group.next().execute(() -> result.complete(reader.apply(this)));
        return result.get(10, TimeUnit.SECONDS);
    }

    List<Bet> stored(int agency) {
        return List.copyOf(stored.getOrDefault(agency, List.of()));
    }

    int duplicates() {
        return duplicates;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Conversation extends SimpleChannelInboundHandler<LotteryMessage> {
        private int agency;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, LotteryMessage message) {
            Channel ch = ctx.channel();
            if (message instanceof Hello hello) {
                agency = hello.agency();
                if (agency == refused || !certificateNames(ch, agency)) {
                    refuse(ch, ErrorCode.AUTHENTICATION_FAILED, MessageType.HELLO);
                    return;
                }
                if (busyFirst && helloSeen.put(agency, true) == null) {
                    refuse(ch, ErrorCode.AGENCY_BUSY, MessageType.HELLO);
                    return;
                }
                ch.writeAndFlush(new Ack(MessageType.HELLO, lastSeq.getOrDefault(agency, 0L), stored(agency).size()));
            } else if (message instanceof Batch batch) {
                long last = lastSeq.getOrDefault(agency, 0L);
                if (batch.seq() >= 1 && batch.seq() <= last) {
                    duplicates++;
                    ch.writeAndFlush(new Ack(MessageType.BATCH, batch.seq(), batch.bets().size()));
                } else if (batch.seq() != last + 1) {
                    ch.writeAndFlush(ErrorReply.of(ErrorCode.SEQUENCE_GAP, MessageType.BATCH, batch.seq(), "gap"));
                } else {
                    stored.computeIfAbsent(agency, a -> new ArrayList<>()).addAll(batch.bets());
                    lastSeq.put(agency, batch.seq());
                    if (dropEvery > 0 && ++storedBatches % dropEvery == 0) {
                        ch.close(); // stored, never acknowledged: as a crash right after the write
                    } else {
                        ch.writeAndFlush(new Ack(MessageType.BATCH, batch.seq(), batch.bets().size()));
                    }
                }
            } else if (message.type() == MessageType.FINISH) {
                finished.put(agency, true);
                ch.writeAndFlush(new Ack(MessageType.FINISH, 0, stored(agency).size()));
                if (finished.size() == agencies) {
                    held.forEach(FakeServer.this::answerWinners);
                    held.clear();
                }
            } else if (message.type() == MessageType.WINNERS_QUERY) {
                if (finished.size() == agencies) {
                    answerWinners(ch, agency);
                } else {
                    held.put(ch, agency);
                }
            } else {
                refuse(ch, ErrorCode.UNEXPECTED_MESSAGE, message.type());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            held.remove(ctx.channel());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // e.g. the agency's TLS alert: its handshake failed, the test reads the agency's side
        }
    }

    /** Without a client certificate true; with one, whether its subject is {@code CN=agency-N}. */
    private static boolean certificateNames(Channel ch, int agency) {
        SslHandler tls = ch.pipeline().get(SslHandler.class);
        if (tls == null) {
            return true;
        }
        try {
            java.security.cert.Certificate[] peer = tls.engine().getSession().getPeerCertificates();
            return ((java.security.cert.X509Certificate) peer[0]).getSubjectX500Principal().getName()
                    .equals("CN=agency-" + agency);
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return true;
        }
    }

    private void answerWinners(Channel ch, int agency) {
        List<String> documents = stored(agency).stream()
                .filter(b -> b.number() == BetPlan.WINNING_NUMBER).map(Bet::document).toList();
        Winners.split(documents).forEach(ch::write);
        ch.flush();
    }

    private static void refuse(Channel ch, ErrorCode code, MessageType ref) {
        ch.writeAndFlush(ErrorReply.of(code, ref, 0, code.name()))
                .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
    }
}
