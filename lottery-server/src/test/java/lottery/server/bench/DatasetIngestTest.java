package lottery.server.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lottery.protocol.message.Ack;
import lottery.protocol.message.Bet;
import lottery.protocol.message.Finish;
import lottery.protocol.message.MessageType;
import lottery.protocol.message.Winners;
import lottery.protocol.message.WinnersQuery;
import lottery.server.lottery.BetStore;
import lottery.server.support.ClientGroup;
import lottery.server.support.Dataset;
import lottery.server.support.LogCapture;
import lottery.server.support.TestClient;
import lottery.server.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole course dataset through the server, five agencies at once, then the draw: every bet stored once and the
 * winners the course's tests expect (2, 3, 3, 2 and 0). Prints the ingest time; it asserts none (the test JVM runs
 * with PARANOID leak detection, see {@link IngestBenchmark} for the figure). Skipped when the dataset is absent.
 */
class DatasetIngestTest {
    @TempDir
    Path dir;

    @Test
    void theCourseDatasetIsStoredOnceAndDrawnWithTheExpectedWinners() throws Exception {
        Optional<Path> zip = Dataset.locate();
        assertThat(zip).as("the course's dataset.zip in ../shared/data (or -D%s)", Dataset.PROPERTY).isPresent();
        Map<Integer, List<Bet>> bets = Dataset.load(zip.get());
        assertThat(bets.keySet()).containsExactly(1, 2, 3, 4, 5);

        List<TestClient> connected = new ArrayList<>();
        try (ClientGroup clients = new ClientGroup(); LogCapture log = LogCapture.open();
             TestServer server = TestServer.start(dir, bets.size())) {
            Ingest.Result result = Ingest.run(clients.group(), server.address(), bets, connected);
            System.out.println("dataset ingest (PARANOID leak detection, not a benchmark): " + result);
            assertThat(result.bets()).isEqualTo(78_697);

            List<Integer> winners = new ArrayList<>();
            for (int i = 0; i < connected.size(); i++) {
                TestClient client = connected.get(i);
                client.send(Finish.INSTANCE);
                assertThat(client.receive()).isEqualTo(new Ack(MessageType.FINISH, 0, bets.get(i + 1).size()));
            }
            for (TestClient client : connected) {
                client.send(WinnersQuery.INSTANCE);
                Winners answer = (Winners) client.receive();
                assertThat(answer.last()).isTrue();
                winners.add(answer.documents().size());
            }

            assertThat(winners).containsExactly(2, 3, 3, 2, 0);
            try (BetStore store = BetStore.open(server.storage(), false)) {
                assertThat(store.loadBets()).hasSize(78_697);
            }
            assertThat(log.count("action: sorteo | result: success")).isEqualTo(1);
            assertThat(log.messages().stream().filter(m -> m.startsWith("action: apuesta_recibida | result: success"))
                    .mapToInt(m -> Integer.parseInt(m.substring(m.lastIndexOf(' ') + 1))).sum()).isEqualTo(78_697);
        } finally {
            connected.forEach(TestClient::close);
        }
    }
}
