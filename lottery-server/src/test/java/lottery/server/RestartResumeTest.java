package lottery.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import lottery.protocol.message.Ack;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Finish;
import lottery.protocol.message.Hello;
import lottery.protocol.message.MessageType;
import lottery.protocol.message.Winners;
import lottery.protocol.message.WinnersQuery;
import lottery.server.store.csv.CsvBetStore;
import lottery.server.support.Bets;
import lottery.server.support.ClientLoops;
import lottery.server.support.TestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server restarted in the middle of a round, over TCP, with SERVER_FSYNC on (the group commit's store-sync thread):
 * the agency's HELLO Ack is its resume point, a batch resent after the restart is acked again and not stored twice,
 * and a FINISH sent before the restart still counts for the draw.
 */
class RestartResumeTest {
    @TempDir
    Path dir;

    private final ClientLoops clients = new ClientLoops();

    @AfterEach
    void closeClients() {
        clients.close();
    }

    private LotteryServer start() throws Exception {
        LotteryServer server = new LotteryServer(new ServerConfig(0, 8, 2, dir.resolve("bets.csv"), 60, 1, true,
                "INFO"), InetAddress.getLoopbackAddress());
        return server;
    }

    private TestClient connect(InetSocketAddress bound) throws InterruptedException {
        return TestClient.connect(clients.group(),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), bound.getPort()));
    }

    @Test
    void aRestartedServerResumesTheRoundWhereItStopped() throws Exception {
        LotteryServer first = start();
        try {
            InetSocketAddress bound = first.start();
            try (TestClient one = connect(bound); TestClient two = connect(bound)) {
                one.send(Hello.of(1));
                one.expectAck(MessageType.HELLO, 0, 0);
                one.sendAll(List.of(new Batch(1, Bets.range(1, 0, 10)), new Batch(2, Bets.range(1, 10, 15))));
                one.expectAck(MessageType.BATCH, 1, 10);
                one.expectAck(MessageType.BATCH, 2, 5);
                two.send(Hello.of(2));
                two.expectAck(MessageType.HELLO, 0, 0);
                two.sendAll(List.of(new Batch(1, Bets.range(2, 0, 8)), Finish.INSTANCE));
                two.expectAck(MessageType.BATCH, 1, 8);
                two.expectAck(MessageType.FINISH, 0, 8);
            }
        } finally {
            first.stop();
        }

        LotteryServer second = start();
        try {
            InetSocketAddress bound = second.start();
            try (TestClient one = connect(bound); TestClient two = connect(bound)) {
                one.send(Hello.of(1));
                one.expectAck(MessageType.HELLO, 2, 15);
                one.sendAll(List.of(new Batch(2, Bets.range(1, 10, 15)), new Batch(3, Bets.range(1, 15, 21)),
                        Finish.INSTANCE, WinnersQuery.INSTANCE));
                one.expectAck(MessageType.BATCH, 2, 5);
                one.expectAck(MessageType.BATCH, 3, 6);
                one.expectAck(MessageType.FINISH, 0, 21);
                assertThat(one.receive()).isEqualTo(new Winners(true, List.of("10000000", "10000007",
                        "10000014")));
                // Agency 2 finished before the restart: its FINISH is acked again, its query answered.
                two.send(Hello.of(2));
                two.expectAck(MessageType.HELLO, 1, 8);
                two.sendAll(List.of(Finish.INSTANCE, WinnersQuery.INSTANCE));
                two.expectAck(MessageType.FINISH, 0, 8);
                assertThat(two.receive()).isEqualTo(new Winners(true, List.of("20000000", "20000007")));
            }
        } finally {
            second.stop();
        }
        try (CsvBetStore store = CsvBetStore.open(dir.resolve("bets.csv"), false)) {
            assertThat(store.loadBets()).hasSize(29);
        }
        assertThat(CsvBetStore.recover(dir.resolve("bets.csv")).complete()).isTrue();
    }
}
