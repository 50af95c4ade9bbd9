package lottery.server.bench;

import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import lottery.protocol.codec.BatchPacker;
import lottery.protocol.message.Ack;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Bet;
import lottery.protocol.message.Hello;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.MessageType;
import lottery.server.support.TestClient;

/**
 * One timed ingest: every agency on its own connection and thread, all starting together, sending its bets in
 * batches packed to the 8192-byte frame limit and waiting for each Ack before the next batch (as an agency client
 * does). The clock runs from just before the first connection opens to the last Ack of the last agency.
 */
public final class Ingest {

    /** What one run measured. */
    public record Result(int bets, int batches, long nanos) {
        public double seconds() {
            return nanos / 1e9;
        }

        public double betsPerSecond() {
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

    /**
     * Runs the ingest and returns the open, handshaken clients (for Finish and the query), in agency order, through
     * {@code connected}.
     */
    public static Result run(EventLoopGroup group, InetSocketAddress server, Map<Integer, List<Bet>> bets,
                             List<TestClient> connected) throws Exception {
        List<Integer> agencies = new ArrayList<>(bets.keySet());
        ExecutorService threads = Executors.newFixedThreadPool(agencies.size());
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<TestClient>> runs = new ArrayList<>();
            int[] batches = new int[agencies.size()];
            for (int i = 0; i < agencies.size(); i++) {
                int index = i;
                int agency = agencies.get(i);
                runs.add(threads.submit(() -> {
                    go.await();
                    TestClient client = TestClient.connect(group, server);
                    client.send(Hello.of(agency));
                    expect(client.receive(), new Ack(MessageType.HELLO, 0, 0));
                    batches[index] = sendAll(client, bets.get(agency));
                    return client;
                }));
            }
            long start = System.nanoTime();
            go.countDown();
            for (Future<TestClient> run : runs) {
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
        }
    }

    /** Sends {@code bets} packed to the frame limit, one batch at a time; returns the number of batches. */
    private static int sendAll(TestClient client, List<Bet> bets) throws InterruptedException {
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

    private static void send(TestClient client, Batch batch) throws InterruptedException {
        client.send(batch);
        expect(client.receive(), new Ack(MessageType.BATCH, batch.seq(), batch.bets().size()));
    }

    private static void expect(LotteryMessage answer, LotteryMessage expected) {
        if (!answer.equals(expected)) {
            throw new IllegalStateException("expected " + expected + ", got " + answer);
        }
    }
}
