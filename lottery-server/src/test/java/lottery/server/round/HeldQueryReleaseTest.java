package lottery.server.round;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import lottery.protocol.message.Finish;
import lottery.protocol.message.Hello;
import lottery.protocol.message.WinnersQuery;
import lottery.server.net.NettyLotteryThread;
import lottery.server.net.ServerInitializer;
import lottery.server.store.RoundSnapshot;
import lottery.server.support.Frames;
import lottery.server.support.MemoryBetStore;
import lottery.server.support.TestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A winners query held for the draw is released when its peer goes away: many clients that finish, ask for the
 * winners and drop the connection leave nothing waiting in the coordinator (no callback, no memory held for a gone
 * connection).
 *
 * <p>The clients close either with a reset (linger 0), which the server sees at once as a closed connection, or with a
 * plain FIN, which looks exactly like a half-close (shut down its output, still reading): the server takes a FIN that
 * arrives while a query is held for a peer that is gone (docs/PROTOCOL.md §6.7), so both are released.
 *
 * <p>The server here is the production pipeline ({@link ServerInitializer}, over TCP, half-closure allowed as the
 * server allows it) around a coordinator the test holds, so it asks the coordinator itself, on its lottery thread.
 * No waiting by the clock: the test knows when every request has been handed to the lottery thread (it counts the
 * hand-overs) and when every closed connection has handed over its close (a handler in front of the pipeline sees
 * the close go past); the lottery thread runs its tasks in order, so a question asked after those is answered after
 * them.
 */
@Timeout(60)
class HeldQueryReleaseTest {
    private static final int CLIENTS = 50;
    /** What each client sends before it goes away: HELLO, FINISH, WINNERS_QUERY. */
    private static final int REQUESTS_PER_CLIENT = 3;

    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final EventExecutor lotteryExecutor = new DefaultEventExecutor(new DefaultThreadFactory("lottery"));
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    /** Counts the requests handed to the lottery thread. */
    private final CountDownLatch requestsHandedOver = new CountDownLatch(CLIENTS * REQUESTS_PER_CLIENT);
    /** Counts the connections whose close has been handed to the lottery thread. */
    private final CountDownLatch closesHandedOver = new CountDownLatch(CLIENTS);
    private DrawCoordinator coordinator;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws Exception {
        NettyLotteryThread thread = new NettyLotteryThread(lotteryExecutor);
        LotteryThread counted = new LotteryThread() {
            @Override
            public void execute(Runnable task) {
                thread.execute(task);
                // Counted once queued: a question asked after the count is queued behind it.
                requestsHandedOver.countDown();
            }

            @Override
            public boolean inThread() {
                return thread.inThread();
            }
        };
        // One agency more than the clients: the draw never runs, so every query stays held until its peer closes.
        coordinator = new DrawCoordinator(CLIENTS + 1, counted, null, null, AgencySecrets.none(), false);
        lotteryExecutor.submit(() -> coordinator.begin(new MemoryBetStore(), RoundSnapshot.empty(CLIENTS + 1)))
                .get(10, TimeUnit.SECONDS);
        ServerInitializer production = new ServerInitializer(channels, coordinator, counted, 60, Integer.MAX_VALUE, 0);
        Channel server = new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new CloseHandedOver(), production);
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        channels.add(server);
        address = (InetSocketAddress) server.localAddress();
    }

    @AfterEach
    void stop() {
        channels.close().awaitUninterruptibly(10, TimeUnit.SECONDS);
        loops.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        lotteryExecutor.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** First in the pipeline: counts a close once the handlers behind it, the lottery handler too, have seen it. */
    private final class CloseHandedOver extends ChannelInboundHandlerAdapter {
        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            ctx.fireChannelInactive();
            closesHandedOver.countDown();
        }
    }

    @Test
    void heldQueriesOfConnectionsClosedWithAResetAreReleased() throws Exception {
        heldQueriesAreReleased(true);
    }

    @Test
    void heldQueriesOfConnectionsClosedWithAFinAreReleased() throws Exception {
        heldQueriesAreReleased(false);
    }

    private void heldQueriesAreReleased(boolean reset) throws Exception {
        List<Socket> connected = new ArrayList<>();
        try {
            for (int agency = 1; agency <= CLIENTS; agency++) {
                Socket client = new Socket(address.getAddress(), address.getPort());
                connected.add(client);
                ByteArrayOutputStream requests = new ByteArrayOutputStream();
                requests.writeBytes(Frames.of(Hello.of(agency)));
                requests.writeBytes(Frames.of(Finish.INSTANCE));
                requests.writeBytes(Frames.of(WinnersQuery.INSTANCE));
                client.getOutputStream().write(requests.toByteArray());
            }
            await(requestsHandedOver, "every request handed to the lottery thread");
            assertThat(waitingOnTheLotteryThread()).as("every query held").isEqualTo(CLIENTS);
            assertThat(closesHandedOver.getCount()).as("no connection closed yet").isEqualTo(CLIENTS);
        } finally {
            for (Socket client : connected) {
                if (reset) {
                    client.setSoLinger(true, 0);
                }
                client.close();
            }
        }
        await(closesHandedOver, "every close handed to the lottery thread");
        assertThat(waitingOnTheLotteryThread()).as("every held query released after its connection closed").isZero();
    }

    /** The coordinator's held queries, asked on its lottery thread, behind every task handed to it before. */
    private int waitingOnTheLotteryThread() throws Exception {
        return lotteryExecutor.submit(coordinator::waitingCount).get(TestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private static void await(CountDownLatch latch, String what) throws InterruptedException {
        assertThat(latch.await(TestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as(what).isTrue();
    }
}
