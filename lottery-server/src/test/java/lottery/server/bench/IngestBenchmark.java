package lottery.server.bench;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lottery.protocol.message.Bet;
import lottery.server.LotteryServer;
import lottery.server.ServerConfig;
import lottery.server.support.Bets;
import lottery.server.support.ClientGroup;
import lottery.server.support.TestClient;
import lottery.testkit.Dataset;

/**
 * Measures how fast the server ingests the course dataset: {@code IngestBenchmark [runs] [fsync]} starts an
 * in-process server on a free loopback port (a fresh bets file per run), runs {@link Ingest} and prints one line per
 * run. No assertions: a figure for the README. Run it outside Maven's test JVM (no PARANOID leak detection), e.g.
 * {@code java -cp <test class path> -Dlogback.configurationFile=logback.xml lottery.server.bench.IngestBenchmark 5}.
 */
public final class IngestBenchmark {

    private IngestBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        boolean fsync = args.length > 1 && Boolean.parseBoolean(args[1]);
        // A figure of the course's data only: no fallback to the generated dataset here.
        Dataset.courseZip().orElseThrow(() -> new IllegalStateException(
                "dataset.zip not found: set -D" + Dataset.PROPERTY + "=PATH"));
        Map<Integer, List<Bet>> bets = Bets.fromDataset(Dataset.get());
        Path dir = Files.createTempDirectory("ingest-bench");
        try (ClientGroup clients = new ClientGroup()) {
            for (int run = 1; run <= runs; run++) {
                Path storage = dir.resolve("bets-" + run + ".csv");
                LotteryServer server = new LotteryServer(
                        new ServerConfig(0, 128, bets.size(), storage, 60, 5, fsync, "INFO"),
                        InetAddress.getLoopbackAddress());
                List<TestClient> connected = new ArrayList<>();
                try {
                    int port = server.start().getPort();
                    Ingest.Result result = Ingest.run(clients.group(), new java.net.InetSocketAddress(
                            InetAddress.getLoopbackAddress(), port), bets, connected);
                    System.out.printf("run %d (fsync %s): %s%n", run, fsync, result);
                } finally {
                    connected.forEach(TestClient::close);
                    server.stop();
                    Files.deleteIfExists(storage);
                }
            }
        } finally {
            Files.deleteIfExists(dir);
        }
    }
}
