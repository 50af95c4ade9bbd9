package lottery.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import lottery.protocol.codec.BatchPacker;
import lottery.protocol.message.Ack;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Bet;
import lottery.protocol.message.Finish;
import lottery.protocol.message.MessageType;
import lottery.protocol.message.Winners;
import lottery.protocol.message.WinnersQuery;
import lottery.server.store.StoredBet;
import lottery.server.store.csv.CsvBetStore;
import lottery.server.support.Bets;
import lottery.server.support.ClientLoops;
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
 * 78,697 bets, winners 2, 3, 3, 2 and 0), else the generated dataset. The agencies send as an agency client does:
 * each on its own connection and thread, all at once, batches packed to the 8 kB frame limit, each Ack awaited. How
 * fast is a benchmark's question, not this test's: lottery-bench's {@code IngestBenchmark} times the same ingest.
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
        try (ClientLoops clients = new ClientLoops(); LogCapture log = LogCapture.open();
             TestServer server = TestServer.start(dir, bets.size(), 0)) {
            ingest(clients.group(), server.address(), bets, connected);

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

    /**
     * Every agency's bets, each agency on its own connection and thread, all starting together; the open,
     * handshaken clients (for Finish and the query) land in {@code connected}, in agency order.
     */
    private static void ingest(EventLoopGroup group, InetSocketAddress server, Map<Integer, List<Bet>> bets,
                               List<TestClient> connected) throws Exception {
        List<Integer> agencies = new ArrayList<>(bets.keySet());
        ExecutorService threads = Executors.newFixedThreadPool(agencies.size());
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<TestClient>> runs = new ArrayList<>();
            for (int agency : agencies) {
                runs.add(threads.submit(() -> {
                    go.await();
                    TestClient client = TestClient.agency(group, server, agency);
                    sendAll(client, bets.get(agency));
                    return client;
                }));
            }
            go.countDown();
            for (Future<TestClient> run : runs) {
                connected.add(run.get(10, TimeUnit.MINUTES));
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** Sends {@code bets} packed to the frame limit, one batch at a time, each Ack awaited. */
    private static void sendAll(TestClient client, List<Bet> bets) throws InterruptedException {
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
    }

    private static void send(TestClient client, Batch batch) throws InterruptedException {
        client.send(batch);
        client.expectAck(MessageType.BATCH, batch.seq(), batch.bets().size());
    }
}
