package lottery.server.bench;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * run; {@code fsync} is {@code true}, {@code false} or {@code both} (each run twice, fsync on and off, in alternating
 * order, so the two share the machine's state; the medians and their ratio close the output). No assertions: a
 * figure for the README. Run it outside Maven's test JVM (no PARANOID leak detection), e.g.
 * {@code java -cp <test class path> -Dlogback.configurationFile=logback.xml lottery.server.bench.IngestBenchmark 5}.
 */
public final class IngestBenchmark {

    private IngestBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        String mode = args.length > 1 ? args[1] : "false";
        List<Boolean> order = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            if (mode.equals("both")) {
                order.add(run % 2 == 1);
                order.add(run % 2 == 0);
            } else {
                order.add(Boolean.parseBoolean(mode));
            }
        }
        Map<Boolean, List<Double>> seconds = new TreeMap<>();
        // A figure of the course's data only: no fallback to the generated dataset here.
        Dataset.courseZip().orElseThrow(() -> new IllegalStateException(
                "dataset.zip not found: set -D" + Dataset.PROPERTY + "=PATH"));
        Map<Integer, List<Bet>> bets = Bets.fromDataset(Dataset.get());
        Path dir = Files.createTempDirectory("ingest-bench");
        try (ClientGroup clients = new ClientGroup()) {
            for (int i = 0; i < order.size(); i++) {
                int run = mode.equals("both") ? i / 2 + 1 : i + 1;
                boolean fsync = order.get(i);
                Path storage = dir.resolve("bets-" + i + ".csv");
                LotteryServer server = new LotteryServer(
                        new ServerConfig(0, 128, bets.size(), storage, 60, 5, fsync, "INFO"),
                        InetAddress.getLoopbackAddress());
                List<TestClient> connected = new ArrayList<>();
                try {
                    int port = server.start().getPort();
                    Ingest.Result result = Ingest.run(clients.group(), new java.net.InetSocketAddress(
                            InetAddress.getLoopbackAddress(), port), bets, connected);
                    System.out.printf("run %d (fsync %s): %s%n", run, fsync, result);
                    seconds.computeIfAbsent(fsync, k -> new ArrayList<>()).add(result.seconds());
                } finally {
                    connected.forEach(TestClient::close);
                    server.stop();
                    Files.deleteIfExists(storage);
                    Files.deleteIfExists(storage.resolveSibling(storage.getFileName() + ".round"));
                    Files.deleteIfExists(storage.resolveSibling(storage.getFileName() + ".lock"));
                }
            }
        } finally {
            Files.deleteIfExists(dir);
        }
        seconds.forEach((fsync, values) -> System.out.printf("median (fsync %s): %.3f s over %d runs%n", fsync,
                median(values), values.size()));
        if (seconds.size() == 2) {
            System.out.printf("time with fsync / without: %.2f%n",
                    median(seconds.get(true)) / median(seconds.get(false)));
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
