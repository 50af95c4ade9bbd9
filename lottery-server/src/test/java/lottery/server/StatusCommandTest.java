package lottery.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Finish;
import lottery.protocol.message.MessageType;
import lottery.protocol.message.Winners;
import lottery.protocol.message.WinnersQuery;
import lottery.server.store.csv.CsvBetStore;
import lottery.server.store.csv.StorageLock;
import lottery.server.store.postgres.PgSettings;
import lottery.server.support.Bets;
import lottery.server.support.ClientLoops;
import lottery.server.support.TestClient;
import lottery.testkit.LogCapture;
import lottery.testkit.Postgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lottery-server --status [--json]} through {@link ServerMain#run}, against a round a real server made (and,
 * with the CSV store, still holds the lock of), with both stores.
 */
@Timeout(120)
class StatusCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final ClientLoops clients = new ClientLoops();
    private final List<LotteryServer> servers = new ArrayList<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void stop() {
        clients.close();
        servers.forEach(LotteryServer::stop);
    }

    private Path bets() {
        return dir.resolve("bets.csv");
    }

    private InetSocketAddress start(ServerConfig config) throws Exception {
        LotteryServer server = new LotteryServer(config, InetAddress.getLoopbackAddress());
        servers.add(server);
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.start().getPort());
    }

    private InetSocketAddress startCsv(int agencies) throws Exception {
        return start(new ServerConfig(0, 8, agencies, bets(), 60, 1, true, "INFO"));
    }

    private Map<String, String> csvEnv() {
        return Map.of("SERVER_PORT", "0", "LOGGING_LEVEL", "INFO", "SERVER_STORAGE_PATH", bets().toString());
    }

    private static Map<String, String> pgEnv(String url) {
        Map<String, String> env = new HashMap<>();
        env.put("SERVER_PORT", "0");
        env.put("LOGGING_LEVEL", "INFO");
        env.put("SERVER_STORE", "postgres");
        env.put("SERVER_PG_URL", url);
        env.put("SERVER_PG_USER", Postgres.USER);
        return env;
    }

    private int run(Map<String, String> env, String... args) throws IOException {
        out.reset();
        err.reset();
        List<String> all = new ArrayList<>(List.of("--config", Files.writeString(dir.resolve("e.ini"), "").toString()));
        all.addAll(List.of(args));
        return ServerMain.run(all.toArray(String[]::new), env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), stop -> { });
    }

    private List<String> outLines() {
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private JsonNode outJson() throws IOException {
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).as("one document on one line").endsWith("\n").containsOnlyOnce("\n");
        return JSON.readTree(text);
    }

    /** Agency {@code agency} stores {@code bets} in one batch and finishes, then asks for its winners. */
    private static void finishAndAsk(TestClient client, int agency, int bets) throws InterruptedException {
        client.sendAll(List.of(new Batch(1, Bets.range(agency, 0, bets)), Finish.INSTANCE, WinnersQuery.INSTANCE));
        client.expectAck(MessageType.BATCH, 1, bets);
        client.expectAck(MessageType.FINISH, 0, bets);
    }

    /** Waits for the server's line saying {@code agency} was sent its winners: it is logged after the record. */
    private static void awaitAnswered(LogCapture log, int agency) throws InterruptedException {
        log.await(line -> line.contains("action: winners | result: success | agency: " + agency + " |"),
                Duration.ofSeconds(20));
    }

    @Test
    void csvRoundInProgressIsReadWhileTheServerHoldsTheLockAndGoesOn() throws Exception {
        InetSocketAddress server = startCsv(3);
        try (TestClient one = TestClient.agency(clients.group(), server, 1);
             TestClient two = TestClient.agency(clients.group(), server, 2)) {
            one.sendAll(List.of(new Batch(1, Bets.range(1, 0, 10)), new Batch(2, Bets.range(1, 10, 12)),
                    Finish.INSTANCE));
            one.expectAck(MessageType.BATCH, 1, 10);
            one.expectAck(MessageType.BATCH, 2, 2);
            one.expectAck(MessageType.FINISH, 0, 12);
            two.send(new Batch(1, Bets.range(2, 0, 5)));
            two.expectAck(MessageType.BATCH, 1, 5);
            assertThatThrownBy(() -> StorageLock.acquire(bets())).as("the server holds the storage")
                    .isInstanceOf(StorageLock.Locked.class);

            assertThat(run(csvEnv(), "--status")).isZero();
            assertThat(outLines()).containsExactly(
                    "action: status | result: success | store: csv | agencies: 3 | bets: 17 | finished: 1"
                            + " | answered: 0 | drawn: false",
                    "action: status_agency | result: success | agency: 1 | bets: 12 | finished: true"
                            + " | answered: false",
                    "action: status_agency | result: success | agency: 2 | bets: 5 | finished: false"
                            + " | answered: false",
                    "action: status_agency | result: success | agency: 3 | bets: 0 | finished: false"
                            + " | answered: false");
            assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();

            assertThat(run(csvEnv(), "--status", "--json")).isZero();
            JsonNode json = outJson();
            assertThat(json.get("store").asText()).isEqualTo("csv");
            assertThat(json.get("round").toString()).isEqualTo(
                    "{\"agencies\":3,\"bets\":17,\"finished\":1,\"answered\":0,\"drawn\":false,\"winners\":null}");
            assertThat(json.get("agencies")).hasSize(3);
            assertThat(json.get("agencies").get(0).toString()).isEqualTo(
                    "{\"agency\":1,\"stored\":12,\"finished\":true,\"answered\":false,\"winners\":null}");
            assertThat(json.get("agencies").get(1).get("stored").asLong()).isEqualTo(5);

            // The server did not notice: the agency goes on.
            two.send(new Batch(2, Bets.range(2, 5, 7)));
            two.expectAck(MessageType.BATCH, 2, 2);
        }
        assertThat(run(csvEnv(), "--status")).isZero();
        assertThat(outLines().get(0)).contains("| bets: 19 |");
    }

    @Test
    void csvAfterTheDrawEachAgencyHasItsWinners() throws Exception {
        InetSocketAddress server = startCsv(2);
        try (LogCapture log = LogCapture.open();
             TestClient one = TestClient.agency(clients.group(), server, 1);
             TestClient two = TestClient.agency(clients.group(), server, 2)) {
            finishAndAsk(one, 1, 10); // every seventh bet wins: 2 of 10
            finishAndAsk(two, 2, 15); // 3 of 15
            assertThat(one.receive()).isEqualTo(new Winners(true, List.of("10000000", "10000007")));
            assertThat(two.receive()).isEqualTo(new Winners(true, List.of("20000000", "20000007", "20000014")));
            awaitAnswered(log, 1);
            awaitAnswered(log, 2);
        }

        assertThat(run(csvEnv(), "--status")).isZero();
        assertThat(outLines()).containsExactly(
                "action: status | result: success | store: csv | agencies: 2 | bets: 25 | finished: 2 | answered: 2"
                        + " | drawn: true | winners: 5",
                "action: status_agency | result: success | agency: 1 | bets: 10 | finished: true | answered: true"
                        + " | winners: 2",
                "action: status_agency | result: success | agency: 2 | bets: 15 | finished: true | answered: true"
                        + " | winners: 3");

        assertThat(run(csvEnv(), "--json", "--status")).isZero();
        JsonNode json = outJson();
        assertThat(json.get("round").get("drawn").asBoolean()).isTrue();
        assertThat(json.get("round").get("winners").asLong()).isEqualTo(5);
        assertThat(json.get("agencies").get(0).get("winners").asLong()).isEqualTo(2);
        assertThat(json.get("agencies").get(1).get("winners").asLong()).isEqualTo(3);
    }

    @Test
    void csvTornTailIsLeftOutAndUntouched() throws Exception {
        try (CsvBetStore store = CsvBetStore.newRound(bets(), 1)) {
            store.append(1, 1, Bets.range(1, 0, 8));
        }
        Files.writeString(bets(), "1,Ana,Paz,1", StandardOpenOption.APPEND);
        Files.writeString(dir.resolve("bets.csv.round"), "batch 1 2 1 9", StandardOpenOption.APPEND);
        byte[] betsBefore = Files.readAllBytes(bets());
        byte[] logBefore = Files.readAllBytes(dir.resolve("bets.csv.round"));

        assertThat(run(csvEnv(), "--status", "--json")).isZero();

        assertThat(outJson().get("round").get("bets").asLong()).isEqualTo(8);
        assertThat(Files.readAllBytes(bets())).isEqualTo(betsBefore);
        assertThat(Files.readAllBytes(dir.resolve("bets.csv.round"))).isEqualTo(logBefore);
    }

    @Test
    void csvWithoutARoundSaysSoAndCreatesNothing() throws Exception {
        Files.writeString(dir.resolve("e.ini"), "");

        assertThat(run(csvEnv(), "--status")).isZero();
        assertThat(outLines()).containsExactly("action: status | result: success | store: csv | round: none");

        assertThat(run(csvEnv(), "--status", "--json")).isZero();
        assertThat(outJson().toString()).isEqualTo("{\"store\":\"csv\",\"round\":null,\"agencies\":[]}");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(file -> file.getFileName().toString())).containsExactly("e.ini");
        }
    }

    @Test
    void anUnreadableRoundIsOneLineOnStderrAndExitOne() throws Exception {
        // A bad line before a good one: not a torn tail but a damaged log.
        Files.writeString(dir.resolve("bets.csv.round"), "not a round log\n" + record("round 1 agencies=1"));

        assertThat(run(csvEnv(), "--status", "--json")).isEqualTo(1);

        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8).lines()).singleElement().asString()
                .startsWith("action: status | result: fail | store: csv | error: ")
                .contains("is corrupt at line 1: a bad record is followed by good ones");
    }

    /** A round-log line (RoundLog's format): the record, its CRC32 in 8 hex digits, a newline. */
    private static String record(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return text + " #" + String.format("%08x", crc.getValue()) + "\n";
    }

    @Test
    void jsonWithoutStatusAndStatusWithAnotherCommandAreUsageErrors() throws Exception {
        assertThat(run(csvEnv(), "--json")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("action: config | result: fail | error: --json"
                + " goes with --status");
        assertThat(run(csvEnv(), "--status", "--export-bets", dir.resolve("x.csv").toString())).isEqualTo(2);
        assertThat(run(csvEnv(), "--status", "--new-round")).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(bets()).doesNotExist();
    }

    @Test
    void postgresRoundBeforeAndAfterTheDraw() throws Exception {
        String url = Postgres.freshDatabase();
        assertThat(run(pgEnv(url), "--status")).isZero();
        assertThat(outLines()).containsExactly("action: status | result: success | store: postgres | round: none");

        InetSocketAddress server = start(new ServerConfig(0, 8, 2, Path.of("unused.csv"), 60, 1, true, "INFO")
                .withPostgres(new PgSettings(url, Postgres.USER, "", 3, PgSettings.Bulk.COPY)));
        try (LogCapture log = LogCapture.open();
             TestClient one = TestClient.agency(clients.group(), server, 1);
             TestClient two = TestClient.agency(clients.group(), server, 2)) {
            finishAndAsk(one, 1, 10);

            assertThat(run(pgEnv(url), "--status")).isZero();
            assertThat(outLines()).containsExactly(
                    "action: status | result: success | store: postgres | agencies: 2 | bets: 10 | finished: 1"
                            + " | answered: 0 | drawn: false",
                    "action: status_agency | result: success | agency: 1 | bets: 10 | finished: true"
                            + " | answered: false",
                    "action: status_agency | result: success | agency: 2 | bets: 0 | finished: false"
                            + " | answered: false");

            finishAndAsk(two, 2, 15);
            assertThat(one.receive()).isEqualTo(new Winners(true, List.of("10000000", "10000007")));
            assertThat(two.receive()).isEqualTo(new Winners(true, List.of("20000000", "20000007", "20000014")));
            awaitAnswered(log, 1);
            awaitAnswered(log, 2);
        }

        assertThat(run(pgEnv(url), "--status", "--json")).isZero();
        JsonNode json = outJson();
        assertThat(json.get("store").asText()).isEqualTo("postgres");
        assertThat(json.get("round").toString()).isEqualTo(
                "{\"agencies\":2,\"bets\":25,\"finished\":2,\"answered\":2,\"drawn\":true,\"winners\":5}");
        assertThat(json.get("agencies").toString()).isEqualTo("["
                + "{\"agency\":1,\"stored\":10,\"finished\":true,\"answered\":true,\"winners\":2},"
                + "{\"agency\":2,\"stored\":15,\"finished\":true,\"answered\":true,\"winners\":3}]");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void anUnreachableDatabaseIsExitOne() throws Exception {
        Map<String, String> env = pgEnv("jdbc:postgresql://127.0.0.1:" + lottery.testkit.FreePort.pick() + "/x");

        assertThat(run(env, "--status")).isEqualTo(1);

        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith(
                "action: status | result: fail | store: postgres | error: cannot connect to jdbc:postgresql://");
    }
}
