package lottery.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Bet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadGenTest {
    private static final Duration PROGRESS = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private LoadGenOptions options(int port, int agencies, int bets, int inFlight, Path out) {
        return new LoadGenOptions("127.0.0.1", port, 1, agencies, bets, 40, 7, inFlight, null, out, 60, 20, 0);
    }

    @Test
    void sameSeedSameBetsAndBatches() throws Exception {
        LoadGenOptions options = options(1, 3, 500, 4, dir);
        List<AgencyPlan> first = LoadGen.plans(options);
        List<AgencyPlan> second = LoadGen.plans(options);
        assertThat(rows(first)).isEqualTo(rows(second));
        assertThat(first.get(1).batches()).isEqualTo(second.get(1).batches());
        assertThat(first.get(0).batches()).extracting(Batch::seq)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, first.get(0).batches().size())
                        .mapToObj(Long::valueOf).toList());
        // A bet depends on (seed, agency, index) only; another seed gives other bets.
        assertThat(BetPlan.bet(7, 2, 99, 20)).isEqualTo(first.get(1).bets().get(99));
        assertThat(rows(LoadGen.plans(new LoadGenOptions("h", 1, 1, 3, 500, 40, 8, 4, null, dir, 60, 20, 0))))
                .isNotEqualTo(rows(first));
    }

    @Test
    void betsAreValidHaveWinnersAndQuoteLikeTheServer() throws Exception {
        List<Bet> bets = BetPlan.bets(7, 12, 2000, 20);
        assertThat(bets).filteredOn(b -> b.number() == BetPlan.WINNING_NUMBER).isNotEmpty();
        assertThat(bets).extracting(Bet::document).doesNotHaveDuplicates().contains("12000000", "12001999");
        StringBuilder row = new StringBuilder();
        CsvRows.appendRow(row, 3, new Bet("Mar\u00eda \"Mery\"", "Salda\u00f1a, Jr", "30904465",
                java.time.LocalDate.of(1999, 3, 17), 7574));
        assertThat(row).hasToString("3,\"Mar\u00eda \"\"Mery\"\"\",\"Salda\u00f1a, Jr\",30904465,1999-03-17,7574\r\n");
    }

    @Test
    void optionsParse() {
        LoadGenOptions options = LoadGenOptions.parse(List.of("--server", "localhost:12345", "--agencies", "6..55",
                "--bets", "2000", "--in-flight", "4", "--seed", "42", "--out", "x"));
        assertThat(options.firstAgency()).isEqualTo(6);
        assertThat(options.lastAgency()).isEqualTo(55);
        assertThat(options.servers().get(0).port()).isEqualTo(12345);
        assertThat(options.paceMillis()).isZero();
        assertThat(LoadGenOptions.parse(List.of("--server", "h:1", "--pace-ms", "250")).paceMillis()).isEqualTo(250);
        assertThat(LoadGenOptions.parse(List.of("--help"))).isNull();
        assertThatThrownBy(() -> LoadGenOptions.parse(List.of("--agencies", "3"))).hasMessageContaining("--server");
        assertThatThrownBy(() -> LoadGenOptions.parse(List.of("--server", "h:1", "--agencies", "5..2")))
                .hasMessageContaining("range");
    }

    @Test
    void runsEveryAgencyToItsWinners() throws Exception {
        try (FakeServer server = new FakeServer(4, 0, false)) {
            LoadGen.Result result = LoadGen.run(options(server.port(), 4, 600, 8, dir), PROGRESS);
            assertThat(result.failures()).isEmpty();
            assertThat(result.betsAcked()).isEqualTo(2400);
            assertStoredExactlyOnce(server, 4, 600);
            assertThat(Files.readString(dir.resolve("expected.csv"), StandardCharsets.UTF_8))
                    .isEqualTo(rows(LoadGen.plans(options(1, 4, 600, 8, dir))));
        }
    }

    @Test
    void resumesAfterLostAcksAndBusyRefusalsWithoutDuplicates() throws Exception {
        try (FakeServer server = new FakeServer(3, 5, true)) {
            LoadGen.Result result = LoadGen.run(options(server.port(), 3, 800, 6, dir), PROGRESS);
            assertThat(result.failures()).isEmpty();
            assertStoredExactlyOnce(server, 3, 800);
            // Every reconnection resumed after the HELLO Ack's last stored seq: no stored batch was sent again.
            int duplicates = server.inspect(FakeServer::duplicates);
            assertThat(duplicates).isZero();
            // One busy HELLO per agency, and at least one dropped connection (how many depends on the timing: a batch
            // read after the drop may be stored on the closed connection, the next drop then falls on it).
            assertThat(result.reconnects()).isGreaterThan(3);
        }
    }

    @Test
    void pacingSpacesTheBatchesAcrossReconnections() throws Exception {
        try (FakeServer server = new FakeServer(1, 3, false)) {
            long start = System.nanoTime();
            LoadGen.Result result = LoadGen.run(new LoadGenOptions("127.0.0.1", server.port(), 1, 1, 400, 40, 7, 8,
                    null, dir, 60, 20, 30), PROGRESS);
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(result.failures()).isEmpty();
            assertStoredExactlyOnce(server, 1, 400);
            int batches = LoadGen.plans(options(1, 1, 400, 8, dir)).get(0).batches().size();
            // at least 30 ms between two sends (a send after a reconnection included)
            assertThat(elapsedMillis).isGreaterThanOrEqualTo(30L * (batches - 1));
        }
    }

    @Test
    void failsWhenTheServerIsGoneUntilTheDeadline() throws Exception {
        int port;
        try (FakeServer server = new FakeServer(1, 0, false)) {
            port = server.port();
        }
        LoadGen.Result result = LoadGen.run(new LoadGenOptions("127.0.0.1", port, 1, 1, 10, 40, 7, 4, null, dir, 1,
                20, 0), PROGRESS);
        assertThat(result.success()).isFalse();
        assertThat(result.failures().get(1)).contains("timed out");
        assertThat(Files.readString(dir.resolve("winners.txt"))).isEmpty();
    }

    @Test
    void anAgencyThatFailsForGoodEndsTheRunForTheOthersWhoseDrawCannotCome() throws Exception {
        try (FakeServer server = new FakeServer(3, 0, false, 3)) {
            LoadGen.Result result = LoadGen.run(new LoadGenOptions("127.0.0.1", server.port(), 1, 3, 10, 40, 7, 4,
                    null, dir, 1, 600, 0), PROGRESS);

            assertThat(result.success()).isFalse();
            assertThat(result.failures().get(3)).contains("AUTHENTICATION_FAILED");
            // Agencies 1 and 2 finished and wait for a draw that needs agency 3: ended, not left to the deadline.
            assertThat(result.failures().get(1)).contains("agency 3 failed, so the draw cannot run");
            assertThat(result.failures().get(2)).contains("agency 3 failed, so the draw cannot run");
        }
    }

    private void assertStoredExactlyOnce(FakeServer server, int agencies, int bets) throws Exception {
        List<AgencyPlan> plans = LoadGen.plans(options(1, agencies, bets, 8, dir));
        for (AgencyPlan plan : plans) {
            List<Bet> stored = server.inspect(s -> s.stored(plan.agency()));
            assertThat(stored).isEqualTo(plan.bets());
        }
        String winners = Files.readString(dir.resolve("winners.txt"), StandardCharsets.UTF_8);
        StringBuilder expected = new StringBuilder();
        plans.forEach(p -> expected.append(p.agency()).append(' ').append(p.expectedWinners()).append('\n'));
        assertThat(winners).isEqualTo(expected.toString());
        assertThat(plans).allSatisfy(p -> assertThat(p.expectedWinners()).isPositive());
    }

    private static String rows(List<AgencyPlan> plans) {
        StringBuilder out = new StringBuilder();
        plans.forEach(p -> p.appendRows(out));
        return out.toString();
    }
}
