package lottery.server.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import lottery.protocol.message.Ack;
import lottery.protocol.message.Bet;
import lottery.protocol.message.Finish;
import lottery.protocol.message.MessageType;
import lottery.protocol.message.Winners;
import lottery.protocol.message.WinnersQuery;
import lottery.server.store.StoredBet;
import lottery.server.store.csv.CsvBetStore;
import lottery.server.support.Bets;
import lottery.server.support.ClientGroup;
import lottery.server.support.TestClient;
import lottery.server.support.TestServer;
import lottery.testkit.Dataset;
import lottery.testkit.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole dataset through the server, five agencies at once, then the draw: every bet stored once under its agency
 * and each agency told exactly its own winners. The expected figures are counted from the agency files by
 * {@link Dataset#expectedCounts()}: the course's dataset.zip when it is found (then also its published figures:
 * 78,697 bets, winners 2, 3, 3, 2 and 0), else the generated dataset. Prints the ingest time; it asserts none (the
 * test JVM runs with PARANOID leak detection, see {@link IngestBenchmark} for the figure).
 */
class DatasetIngestTest {
    @TempDir
    Path dir;

    @Test
    void theDatasetIsStoredOnceAndEachAgencyLearnsExactlyItsWinners() throws Exception {
        Dataset dataset = Dataset.get();
        Map<Integer, Dataset.AgencyCounts> expected = dataset.expectedCounts();
        int total = expected.values().stream().mapToInt(Dataset.AgencyCounts::bets).sum();
        Map<Integer, List<Bet>> bets = Bets.fromDataset(dataset);
        assertThat(bets.keySet()).containsExactlyElementsOf(expected.keySet());

        List<TestClient> connected = new ArrayList<>();
        // No idle timeout: the agencies that finish first wait idle for the others before their Finish, and with
        // PARANOID leak detection on a loaded machine the whole ingest has taken over the default 60 s.
        try (ClientGroup clients = new ClientGroup(); LogCapture log = LogCapture.open();
             TestServer server = TestServer.start(dir, bets.size(), 0)) {
            Ingest.Result result = Ingest.run(clients.group(), server.address(), bets, connected);
            System.out.println("ingest of " + dataset + " (PARANOID leak detection, not a benchmark): " + result);
            assertThat(result.bets()).isEqualTo(total);

            List<Integer> agencies = List.copyOf(bets.keySet());
            for (int i = 0; i < connected.size(); i++) {
                connected.get(i).send(Finish.INSTANCE);
                assertThat(connected.get(i).receive()).as("agency %d", agencies.get(i))
                        .isEqualTo(new Ack(MessageType.FINISH, 0, expected.get(agencies.get(i)).bets()));
            }
            for (int i = 0; i < connected.size(); i++) {
                connected.get(i).send(WinnersQuery.INSTANCE);
                Winners answer = (Winners) connected.get(i).receive();
                assertThat(answer.last()).isTrue();
                assertThat(answer.documents()).as("winners of agency %d", agencies.get(i))
                        .containsExactlyInAnyOrderElementsOf(expected.get(agencies.get(i)).winnerDocuments());
            }

            Map<Integer, Long> stored;
            try (CsvBetStore store = CsvBetStore.open(server.storage(), false)) {
                stored = store.loadBets().stream()
                        .collect(Collectors.groupingBy(StoredBet::agency, TreeMap::new, Collectors.counting()));
            }
            Map<Integer, Long> expectedStored = new TreeMap<>();
            expected.forEach((agency, counts) -> expectedStored.put(agency, (long) counts.bets()));
            assertThat(stored).as("stored bets per agency").isEqualTo(expectedStored);
            assertThat(log.count("action: sorteo | result: success")).isEqualTo(1);
            assertThat(log.messages().stream().filter(m -> m.startsWith("action: apuesta_recibida | result: success"))
                    .mapToInt(m -> Integer.parseInt(m.substring(m.lastIndexOf(' ') + 1))).sum()).isEqualTo(total);
        } finally {
            connected.forEach(TestClient::close);
        }
    }
}
