package lottery.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import lottery.protocol.codec.BatchPacker;
import lottery.protocol.codec.LotteryPipeline;
import lottery.protocol.message.Ack;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Bet;
import lottery.protocol.message.Hello;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.MessageType;

/**
 * One timed ingest: every agency on its own connection and thread, all starting together, sending its bets in
 * batches packed to the 8192-byte frame limit and waiting for each Ack before the next batch (as an agency client
 * does). The clock runs from just before the first connection opens to the last Ack of the last agency.
 */
final class Ingest {
    /** How long an agency waits for an answer that must come. */
    private static final long ANSWER_TIMEOUT_SECONDS = 20;

    /** What one run measured. */
    record Result(int bets, int batches, long nanos) {
        double seconds() {
            return nanos / 1e9;
        }

        double betsPerSecond() {
            return bets / seconds();
        }

        @Override
        public String toString() {
            return String.format("%d bets in %d batches, %.3f s, %.0f bets/s", bets, batches, seconds(),
                    betsPerSecond());
        }
    }

    private Ingest() {
    }

    /** Runs the ingest of {@code bets} (by agency) into the server at {@code server}, on {@code group}'s loops. */
    static Result run(EventLoopGroup group, InetSocketAddress server, Map<Integer, List<Bet>> bets) throws Exception {
        List<Integer> agencies = new ArrayList<>(bets.keySet());
        List<Agency> connected = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(agencies.size());
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Agency>> runs = new ArrayList<>();
            int[] batches = new int[agencies.size()];
            for (int i = 0; i < agencies.size(); i++) {
                int index = i;
                int agency = agencies.get(i);
                runs.add(threads.submit(() -> {
                    go.await();
                    Agency client = Agency.connect(group, server);
                    client.send(Hello.of(agency));
                    client.expect(new Ack(MessageType.HELLO, 0, 0));
                    batches[index] = sendAll(client, bets.get(agency));
                    return client;
                }));
            }
            long start = System.nanoTime();
            go.countDown();
            for (Future<Agency> run : runs) {
                connected.add(run.get(10, TimeUnit.MINUTES));
            }
            long nanos = System.nanoTime() - start;
            int total = bets.values().stream().mapToInt(List::size).sum();
            int batchCount = 0;
            for (int count : batches) {
                batchCount += count;
            }
            return new Result(total, batchCount, nanos);
        } finally {
            threads.shutdownNow();
            connected.forEach(Agency::close);
        }
    }

    /** Sends {@code bets} packed to the frame limit, one batch at a time; returns the number of batches. */
    private static int sendAll(Agency client, List<Bet> bets) throws InterruptedException {
        BatchPacker packer = new BatchPacker(65_535);
        int seq = 0;
        for (Bet bet : bets) {
            if (!packer.add(bet)) {
                send(client, packer.take(++seq));
                packer.add(bet);
            }
        }
        if (!packer.isEmpty()) {
            send(client, packer.take(++seq));
        }
        return seq;
    }

    private static void send(Agency client, Batch batch) throws InterruptedException {
        client.send(batch);
        client.expect(new Ack(MessageType.BATCH, batch.seq(), batch.bets().size()));
    }

    /** One agency's connection: the production codec, the server's answers in a queue. */
    private static final class Agency implements AutoCloseable {
        private final Channel channel;
        private final BlockingQueue<Object> received;

        private Agency(Channel channel, BlockingQueue<Object> received) {
            this.channel = channel;
            this.received = received;
        }

        static Agency connect(EventLoopGroup group, InetSocketAddress server) throws InterruptedException {
            BlockingQueue<Object> received = new LinkedBlockingQueue<>();
            Channel channel = new Bootstrap()
                    .group(group)
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            LotteryPipeline.addLast(ch.pipeline())
                                    .addLast(new SimpleChannelInboundHandler<LotteryMessage>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, LotteryMessage msg) {
                                            received.add(msg);
                                        }

                                        @Override
                                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                            received.add(cause);
                                        }
                                    });
                        }
                    })
                    .connect(server).sync().channel();
            return new Agency(channel, received);
        }

        void send(LotteryMessage message) throws InterruptedException {
            channel.writeAndFlush(message).sync();
        }

        /** Waits for the next answer and fails unless it is {@code expected}. */
        void expect(LotteryMessage expected) throws InterruptedException {
            Object answer = received.poll(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!expected.equals(answer)) {
                throw new IllegalStateException("expected " + expected + ", got "
                        + (answer == null ? "nothing within " + ANSWER_TIMEOUT_SECONDS + " s" : answer));
            }
        }

        @Override
        public void close() {
            channel.close().awaitUninterruptibly();
        }
    }
}
