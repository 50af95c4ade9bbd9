package lottery.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import lottery.protocol.codec.LotteryCodec;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Hello;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.MessageType;
import lottery.server.lottery.BetStore;
import lottery.server.lottery.DrawCoordinator;
import lottery.server.support.Bets;
import lottery.server.support.ClientGroup;
import lottery.server.support.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that pipelines faster than its worker: with the worker held, the connection stops being read after
 * {@link LotteryHandler#HIGH_WATER} requests; released, every request is answered in order and reading resumes.
 */
class BackPressureTest {
    private static final long WAIT_SECONDS = 30;

    @TempDir
    Path dir;

    @Test
    void readingPausesWhileTheWorkerIsBehindAndResumesWhenItCatchesUp() throws Exception {
        int batches = LotteryHandler.HIGH_WATER * 3;
        ExecutorService single = Executors.newSingleThreadExecutor();
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch dispatched = new CountDownLatch(LotteryHandler.HIGH_WATER);
        Executor worker = task -> {
            dispatched.countDown();
            single.execute(task);
        };
        single.execute(() -> await(gate)); // the worker is busy until the gate opens
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (BetStore store = BetStore.open(dir.resolve("bets.csv"), false); ClientGroup clients = new ClientGroup()) {
            DrawCoordinator coordinator = new DrawCoordinator(store, 1, Runnable::run);
            Channel server = new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            LotteryCodec.addLast(ch.pipeline())
                                    .addLast(new LotteryHandler(coordinator, worker))
                                    .addLast(ExceptionHandler.LOTTERY);
                            accepted.complete(ch);
                        }
                    })
                    .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
            try (TestClient client = TestClient.connect(clients.group(),
                    (InetSocketAddress) server.localAddress())) {
                List<LotteryMessage> requests = new ArrayList<>();
                requests.add(Hello.of(1));
                for (int b = 0; b < batches; b++) {
                    requests.add(new Batch(b, Bets.range(1, b * 10, b * 10 + 10)));
                }
                client.sendAll(requests);
                Channel connection = accepted.get(WAIT_SECONDS, TimeUnit.SECONDS);

                assertThat(dispatched.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
                assertThat(connection.config().isAutoRead()).as("reading paused").isFalse();

                gate.countDown();
                client.expectAck(MessageType.HELLO, 0, 0);
                for (int b = 0; b < batches; b++) {
                    client.expectAck(MessageType.BATCH, b, 10);
                }
                assertThat(connection.config().isAutoRead()).as("reading resumed").isTrue();
                assertThat(store.loadBets()).hasSize(batches * 10);
            } finally {
                server.close().sync();
            }
        } finally {
            gate.countDown();
            single.shutdownNow();
            loops.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    private static void await(CountDownLatch gate) {
        try {
            gate.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
