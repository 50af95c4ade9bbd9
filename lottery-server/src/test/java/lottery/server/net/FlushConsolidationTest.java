package lottery.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import lottery.protocol.message.Hello;
import lottery.server.round.DrawCoordinator;
import lottery.server.round.LotteryThread;
import lottery.server.support.Bets;
import lottery.server.support.Frames;
import lottery.server.support.MemoryBetStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The lottery thread writes each answer with its own flush; on the server's lottery pipeline the answers that reach
 * the event loop together leave with one flush (Netty's FlushConsolidationHandler), so the Acks one force releases
 * cost one system call, not one each.
 *
 * <p>No waiting by the clock: the test holds the lottery thread until the agency's three requests are queued on it,
 * then holds the channel's event loop until the lottery thread has answered all three (its writes wait on the event
 * loop, in order), and only then lets the event loop run.
 */
@Timeout(60)
class FlushConsolidationTest {
    private static final long WAIT_SECONDS = 30;

    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventExecutor lotteryExecutor = new DefaultEventExecutor();

    @AfterEach
    void stop() {
        loops.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        lotteryExecutor.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void answersThatReachTheEventLoopTogetherLeaveWithOneFlush() throws Exception {
        NettyLotteryThread thread = new NettyLotteryThread(lotteryExecutor);
        CountDownLatch requestsQueued = new CountDownLatch(3);
        LotteryThread counted = new LotteryThread() {
            @Override
            public void execute(Runnable task) {
                thread.execute(task);
                requestsQueued.countDown();
            }

            @Override
            public boolean inThread() {
                return thread.inThread();
            }
        };
        DrawCoordinator coordinator = lotteryExecutor.submit(() -> new DrawCoordinator(new MemoryBetStore(), 2,
                counted)).get(WAIT_SECONDS, TimeUnit.SECONDS);
        ServerInitializer production = new ServerInitializer(new DefaultChannelGroup(GlobalEventExecutor.INSTANCE),
                coordinator, counted, 60, Integer.MAX_VALUE, 0);
        AtomicInteger flushes = new AtomicInteger();
        BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
        Channel server = new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // Nearest the socket: counts the flushes that leave the pipeline.
                        ch.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
                            @Override
                            public void flush(ChannelHandlerContext ctx) {
                                flushes.incrementAndGet();
                                ctx.flush();
                            }
                        }, production);
                        accepted.add(ch);
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        InetSocketAddress address = (InetSocketAddress) server.localAddress();

        CountDownLatch lotteryHeld = new CountDownLatch(1);
        lotteryExecutor.execute(() -> await(lotteryHeld));
        try (Socket agency = new Socket(address.getAddress(), address.getPort())) {
            agency.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            ByteArrayOutputStream requests = new ByteArrayOutputStream();
            requests.writeBytes(Frames.of(Hello.of(1)));
            requests.writeBytes(Frames.of(Bets.bet(1, 0)));
            requests.writeBytes(Frames.of(Bets.bet(1, 1)));
            agency.getOutputStream().write(requests.toByteArray());
            assertThat(requestsQueued.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("three requests queued").isTrue();

            Channel connection = accepted.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(connection).isNotNull();
            CountDownLatch eventLoopHeld = new CountDownLatch(1);
            connection.eventLoop().execute(() -> await(eventLoopHeld));
            int flushesBefore = flushes.get();
            lotteryHeld.countDown();
            // Queued behind the three requests: once it has run, the three answers wait on the held event loop.
            lotteryExecutor.submit(() -> { }).get(WAIT_SECONDS, TimeUnit.SECONDS);
            eventLoopHeld.countDown();

            DataInputStream in = new DataInputStream(agency.getInputStream());
            for (int i = 0; i < 3; i++) {
                in.readFully(new byte[in.readInt()]);
            }
            assertThat(flushes.get() - flushesBefore).as("flushes for the three answers").isOne();
        } finally {
            lotteryHeld.countDown();
            server.close().syncUninterruptibly();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
