package lottery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import lottery.server.LotteryServer;
import lottery.server.ServerConfig;
import lottery.server.store.postgres.BetsExport;
import lottery.server.store.postgres.PgSettings;
import lottery.testkit.Dataset;
import lottery.testkit.Postgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several stateless servers, one lottery in PostgreSQL (a real one: {@link Postgres}), real clients: the course's
 * five agencies spread over the servers, a server stopped in the middle of the ingest and replaced, and the result
 * compared with what the CSV store gives on the same files (every row once, each agency's winners, one draw).
 */
class ScaledOutEndToEndTest {
    private static final int AGENCIES = Dataset.AGENCIES;
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private static ServerConfig config(String url, int port) {
        return new ServerConfig(port, 128, AGENCIES, Path.of("unused-with-postgres.csv"), 60, 5, true, "INFO")
                .withPostgres(new PgSettings(url, Postgres.USER, "", 4, PgSettings.Bulk.COPY));
    }

    /** The servers started, and the port each listens on. */
    private final Map<LotteryServer, Integer> ports = new java.util.HashMap<>();

    private LotteryServer start(String url, int port) throws Exception {
        LotteryServer server = new LotteryServer(config(url, port), InetAddress.getLoopbackAddress());
        ports.put(server, server.start().getPort());
        return server;
    }

    private int port(LotteryServer server) {
        return ports.get(server);
    }

    @Test
    void threeServersShareOneLotteryAndTheDrawRunsOnce() throws Exception {
        Dataset dataset = Dataset.get();
        String url = Postgres.freshDatabase();
        List<LotteryServer> servers = new ArrayList<>();
        try (LogRecorder logs = LogRecorder.open()) {
            for (int i = 0; i < 3; i++) {
                servers.add(start(url, 0));
            }
            // Agencies 1 and 4 on the first server, 2 and 5 on the second, 3 on the third: their FINISHes reach
            // different servers, and whichever sees the last one commit runs the draw.
            try (ClientGroup clients = ClientGroup.start(AGENCIES, agency -> port(servers.get((agency - 1) % 3)),
                    clientSettings(dataset))) {
                clients.assertEveryExitIsZero(WAIT);
            }
            assertSameResultAsTheFiles(dataset, url, logs);
            // Exactly one server drew; the two others loaded its winners from the database.
            assertThat(logs.server()).filteredOn(line -> line.startsWith("action: winners_loaded"))
                    .hasSize(2);
        } finally {
            servers.forEach(LotteryServer::stop);
        }
    }

    @Test
    void aServerStoppedInTheMiddleOfTheIngestIsReplacedAndNothingIsLostOrStoredTwice() throws Exception {
        Dataset dataset = Dataset.get();
        String url = Postgres.freshDatabase();
        LotteryServer steady = null;
        LotteryServer doomed = null;
        LotteryServer replacement = null;
        try (LogRecorder logs = LogRecorder.open()) {
            steady = start(url, 0);
            doomed = start(url, 0);
            int doomedPort = port(doomed);
            int steadyPort = port(steady);
            // Agency 1 (the largest file) and agency 3 talk to the server that is stopped.
            try (ClientGroup clients = ClientGroup.start(AGENCIES,
                    agency -> agency == 1 || agency == 3 ? doomedPort : steadyPort, stoppedRunSettings(dataset))) {
                // A third of agency 1's bets: the server stops in the middle of its ingest, whichever dataset.
                awaitStoredBets(url, 1, dataset.expectedCounts().get(1).bets() / 3);
                doomed.stop();
                // The agencies reconnect and resume on a new server at the same address (an orchestrator's
                // restart): it keeps no state, everything it needs is in the database.
                replacement = start(url, doomedPort);
                clients.assertEveryExitIsZero(WAIT);
            }
            assertSameResultAsTheFiles(dataset, url, logs);
            assertThat(logs.client("client-1")).anyMatch(line -> line.startsWith("action: reconnect | result: success"));
        } finally {
            for (LotteryServer server : new LotteryServer[] {steady, doomed, replacement}) {
                if (server != null) {
                    server.stop();
                }
            }
        }
    }

    /**
     * {@link #clientSettings}, with small batches on the small generated dataset (no course zip beside the
     * repository), so its ingest lasts long enough to be stopped in the middle.
     */
    private static Map<String, String> stoppedRunSettings(Dataset dataset) {
        Map<String, String> settings = new java.util.HashMap<>(clientSettings(dataset));
        if (!dataset.isCourse()) {
            settings.put("CLI_BATCH_MAXAMOUNT", "10");
        }
        return settings;
    }

    private static Map<String, String> clientSettings(Dataset dataset) {
        return Map.of("CLI_DATA_FILE", dataset.dir().resolve("agency-{id}.csv").toString(),
                "CLI_WINNERS_TIMEOUT", WAIT.toSeconds() + "s", "CLI_LOG_LEVEL", "INFO",
                "CLI_RECONNECT_TIMEOUT", "30s");
    }

    /** Waits (bounded) until the database holds at least {@code bets} bets of {@code agency}. */
    private static void awaitStoredBets(String url, int agency, long bets) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        try (Connection c = DriverManager.getConnection(url, Postgres.USER, "");
             Statement s = c.createStatement()) {
            while (true) {
                try (ResultSet r = s.executeQuery("SELECT count(*) FROM bet WHERE agency = " + agency)) {
                    r.next();
                    if (r.getLong(1) >= bets) {
                        return;
                    }
                }
                assertThat(System.nanoTime()).as("agency %d storing %d bets", agency, bets).isLessThan(deadline);
                // A pause between two queries of a bounded wait, not a synchronisation: the condition decides.
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
            }
        }
    }

    /**
     * The round in the database, exported as a bets.csv, holds every line of every agency file once, in the file's
     * order per agency (what the CSV store holds), one server logged the draw, and each agency learnt the winners
     * the assignment's has_won finds in its file.
     */
    private void assertSameResultAsTheFiles(Dataset dataset, String url, LogRecorder logs) throws Exception {
        Path exported = dir.resolve("exported-bets.csv");
        BetsExport.export(new PgSettings(url, Postgres.USER, "", 2, PgSettings.Bulk.COPY), exported);
        Map<Integer, List<String>> stored = new TreeMap<>();
        for (String line : Files.readString(exported, StandardCharsets.UTF_8).split("\r\n")) {
            int comma = line.indexOf(',');
            stored.computeIfAbsent(Integer.parseInt(line.substring(0, comma)), a -> new ArrayList<>())
                    .add(line.substring(comma + 1));
        }
        Map<Integer, Dataset.AgencyCounts> expected = dataset.expectedCounts();
        for (int agency = 1; agency <= AGENCIES; agency++) {
            List<String> lines = Files.readAllLines(dataset.file(agency), StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.isEmpty()).toList();
            assertThat(stored.get(agency)).as("rows of agency %d", agency).isEqualTo(lines);
            assertThat(logs.client("client-" + agency)).as("client %d", agency)
                    .contains("action: consulta_ganadores | result: success | cant_ganadores: "
                            + expected.get(agency).winners());
        }
        assertThat(logs.server()).filteredOn(line -> line.startsWith("action: sorteo"))
                .containsExactly("action: sorteo | result: success");
        try (Connection c = DriverManager.getConnection(url, Postgres.USER, "");
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT agency, document FROM winner ORDER BY agency, position")) {
            Map<Integer, List<String>> winners = new TreeMap<>();
            while (r.next()) {
                winners.computeIfAbsent(r.getInt(1), a -> new ArrayList<>()).add(r.getString(2));
            }
            for (int agency = 1; agency <= AGENCIES; agency++) {
                assertThat(winners.getOrDefault(agency, List.of())).as("winners of agency %d", agency)
                        .isEqualTo(expected.get(agency).winnerDocuments());
            }
        }
    }
}
