package lottery.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Hello;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.MessageType;
import lottery.server.round.DrawCoordinator;
import lottery.server.round.LotteryThread;
import lottery.server.store.csv.CsvBetStore;
import lottery.server.support.Bets;
import lottery.server.support.ClientLoops;
import lottery.server.support.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that pipelines faster than the lottery thread (here a "worker" the test holds): the connection stops being
 * read after {@link ReadThrottle#HIGH_WATER} unanswered requests; released, every request is answered in order and
 * reading resumes.
 */
class BackPressureTest {
    private static final long WAIT_SECONDS = 30;

    @TempDir
    Path dir;

    @Test
    void readingPausesWhileTheWorkerIsBehindAndResumesWhenItCatchesUp() throws Exception {
        int batches = ReadThrottle.HIGH_WATER * 3;
        EventExecutor single = new DefaultEventExecutor();
        LotteryThread thread = new NettyLotteryThread(single);
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch dispatched = new CountDownLatch(ReadThrottle.HIGH_WATER);
        LotteryThread worker = new LotteryThread() {
            @Override
            public void execute(Runnable task) {
                dispatched.countDown();
                thread.execute(task);
            }

            @Override
            public boolean inThread() {
                return thread.inThread();
            }
        };
        try (CsvBetStore store = CsvBetStore.open(dir.resolve("bets.csv"), false);
             ClientLoops clients = new ClientLoops();
             // Built on the worker: it owns the coordinator from the start.
             HandlerServer server = new HandlerServer(single.submit(() -> new DrawCoordinator(store, 1, worker))
                     .get(), worker);
             TestClient client = TestClient.connect(clients.group(), server.address())) {
            single.execute(() -> await(gate)); // the worker is busy until the gate opens
            List<LotteryMessage> requests = new ArrayList<>();
            requests.add(Hello.of(1));
            for (int b = 0; b < batches; b++) {
                requests.add(new Batch(b + 1, Bets.range(1, b * 10, b * 10 + 10)));
            }
            client.sendAll(requests);
            Channel connection = server.nextAccepted(Duration.ofSeconds(WAIT_SECONDS));

            assertThat(dispatched.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(connection.config().isAutoRead()).as("reading paused").isFalse();

            gate.countDown();
            client.expectAck(MessageType.HELLO, 0, 0);
            for (int b = 0; b < batches; b++) {
                client.expectAck(MessageType.BATCH, b + 1, 10);
            }
            assertThat(connection.config().isAutoRead()).as("reading resumed").isTrue();
            assertThat(store.loadBets()).hasSize(batches * 10);
        } finally {
            gate.countDown();
            single.shutdownGracefully(0, 0, TimeUnit.SECONDS);
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
