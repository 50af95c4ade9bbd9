package lottery.bench;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import lottery.protocol.message.Bet;
import lottery.server.LotteryServer;
import lottery.server.ServerConfig;

/**
 * How fast the server ingests the course dataset: {@code IngestBenchmark [runs] [fsync]} starts an in-process server
 * on a free loopback port (a fresh bets file per run), runs {@link Ingest} (5 agencies at once, batches packed to the
 * 8 kB frame limit, each Ack awaited) and prints one line per run; {@code fsync} is {@code true}, {@code false} (the
 * default) or {@code both} (each run twice, fsync on and off, in alternating order, so the two share the machine's
 * state; the medians and their ratio close the output). No assertions: a figure for the README. The dataset is the
 * course's zip ({@code -Dlottery.dataset=PATH}, default {@code ../shared/data/dataset.zip} from the working
 * directory: beside the repository, as CI has it):
 * <pre>
 *   java -cp lottery-bench/target/lottery-bench.jar -Dlottery.dataset=../shared/data/dataset.zip \
 *       lottery.bench.IngestBenchmark 5 both
 * </pre>
 */
public final class IngestBenchmark {
    /** The system property naming the course's dataset zip. */
    private static final String DATASET = "lottery.dataset";
    private static final String DEFAULT_DATASET = "../shared/data/dataset.zip";
    private static final int AGENCIES = 5;

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
        // A figure of the course's data only: no generated dataset here.
        Path zip = Path.of(System.getProperty(DATASET, DEFAULT_DATASET));
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException("dataset.zip not found at " + zip + ": set -D" + DATASET + "=PATH");
        }
        Map<Integer, List<Bet>> bets = agencyBets(zip);
        Path dir = Files.createTempDirectory("ingest-bench");
        EventLoopGroup clients = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            for (int i = 0; i < order.size(); i++) {
                int run = mode.equals("both") ? i / 2 + 1 : i + 1;
                boolean fsync = order.get(i);
                Path storage = dir.resolve("bets-" + i + ".csv");
                LotteryServer server = new LotteryServer(
                        new ServerConfig(0, 128, bets.size(), storage, 60, 5, fsync, "INFO"),
                        InetAddress.getLoopbackAddress());
                try {
                    int port = server.start().getPort();
                    Ingest.Result result = Ingest.run(clients,
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), port), bets);
                    System.out.printf("run %d (fsync %s): %s%n", run, fsync, result);
                    seconds.computeIfAbsent(fsync, k -> new ArrayList<>()).add(result.seconds());
                } finally {
                    server.stop();
                    Files.deleteIfExists(storage);
                    Files.deleteIfExists(storage.resolveSibling(storage.getFileName() + ".round"));
                    Files.deleteIfExists(storage.resolveSibling(storage.getFileName() + ".lock"));
                }
            }
        } finally {
            clients.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly();
            Files.deleteIfExists(dir);
        }
        seconds.forEach((fsync, values) -> System.out.printf("median (fsync %s): %.3f s over %d runs%n", fsync,
                median(values), values.size()));
        if (seconds.size() == 2) {
            System.out.printf("time with fsync / without: %.2f%n",
                    median(seconds.get(true)) / median(seconds.get(false)));
        }
    }

    /**
     * Every agency's bets in the zip's {@code agency-N.csv} files (wherever they sit in it), in file order, as the
     * server receives them: first name, last name, document, birthdate, number.
     */
    private static Map<Integer, List<Bet>> agencyBets(Path zip) throws IOException {
        CsvMapper csv = CsvMapper.builder().enable(CsvParser.Feature.WRAP_AS_ARRAY).build();
        Map<Integer, List<Bet>> byAgency = new TreeMap<>();
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            for (ZipEntry entry : archive.stream().toList()) {
                String name = Path.of(entry.getName()).getFileName().toString();
                if (entry.isDirectory() || !name.matches("agency-[1-" + AGENCIES + "]\\.csv")) {
                    continue;
                }
                List<Bet> bets = new ArrayList<>();
                try (Reader reader = new InputStreamReader(archive.getInputStream(entry), StandardCharsets.UTF_8);
                     MappingIterator<String[]> rows = csv.readerFor(String[].class).readValues(reader)) {
                    while (rows.hasNextValue()) {
                        String[] row = rows.nextValue();
                        bets.add(new Bet(row[0], row[1], row[2], LocalDate.parse(row[3]), Integer.parseInt(row[4])));
                    }
                }
                byAgency.put(Integer.parseInt(name.substring("agency-".length(), name.length() - ".csv".length())),
                        bets);
            }
        }
        if (byAgency.size() != AGENCIES) {
            throw new IllegalStateException(zip + " holds agency files " + byAgency.keySet() + ", not 1.." + AGENCIES);
        }
        return byAgency;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
