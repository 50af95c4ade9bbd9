package lottery.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import lottery.loadgen.LoadGenOptions.ServerAddress;
import lottery.protocol.message.Bet;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --server HOST:PORT,HOST:PORT...} and {@code --server-pid PID,PID...}: several servers of one lottery. */
class MultiServerTest {
    private static final Duration PROGRESS = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void aListOfServersParsesInOrderAndOneServerStaysOneServer() {
        LoadGenOptions one = LoadGenOptions.parse(List.of("--server", "localhost:12345"));
        assertThat(one.servers()).containsExactly(new ServerAddress("localhost", 12345));
        assertThat(one.serverPids()).isEmpty();

        LoadGenOptions three = LoadGenOptions.parse(List.of("--server", "127.0.0.1:5001, 127.0.0.1:5002,db:7",
                "--agencies", "1..64"));
        assertThat(three.servers()).extracting(ServerAddress::toString)
                .containsExactly("127.0.0.1:5001", "127.0.0.1:5002", "db:7");
        // an IPv6 address in brackets keeps its colons in the host (the port is after the last one)
        assertThat(LoadGenOptions.parse(List.of("--server", "[::1]:9")).servers())
                .containsExactly(new ServerAddress("[::1]", 9));

        assertThatThrownBy(() -> LoadGenOptions.parse(List.of("--server", "a:1,"))).hasMessageContaining("HOST:PORT");
        assertThatThrownBy(() -> LoadGenOptions.parse(List.of("--server", "a:1,b"))).hasMessageContaining("b is not");
        assertThatThrownBy(() -> LoadGenOptions.parse(List.of("--server", "a:1,b:70000")))
                .hasMessageContaining("70000");
        assertThatThrownBy(() -> LoadGenOptions.parse(List.of("--server", "a:1,b:x"))).hasMessageContaining("number");
    }

    @Test
    void serverPidsAreOneOrAList() {
        assertThat(LoadGenOptions.parse(List.of("--server", "h:1", "--server-pid", "42")).serverPids())
                .containsExactly(42L);
        assertThat(LoadGenOptions.parse(List.of("--server", "h:1", "--server-pid", "42,43, 44")).serverPids())
                .containsExactly(42L, 43L, 44L);
        // 0 was "no pid" before lists: still accepted, and still means none
        assertThat(LoadGenOptions.parse(List.of("--server", "h:1", "--server-pid", "0")).serverPids()).isEmpty();
        assertThatThrownBy(() -> LoadGenOptions.parse(List.of("--server", "h:1", "--server-pid", "42,-1")))
                .hasMessageContaining("negative");
        assertThatThrownBy(() -> LoadGenOptions.parse(List.of("--server", "h:1", "--server-pid", "42,x")))
                .hasMessageContaining("number");
    }

    @Test
    void agencyKGoesToServerKMinusOneModCountByItsNumber() {
        LoadGenOptions options = LoadGenOptions.parse(List.of("--server", "a:1,b:2,c:3", "--agencies", "1..64"));
        assertThat(IntStream.rangeClosed(1, 7).mapToObj(options::serverOf).map(ServerAddress::host).toList())
                .containsExactly("a", "b", "c", "a", "b", "c", "a");
        // 64 agencies over 3 servers: 22, 21, 21
        int[] counts = new int[3];
        IntStream.rangeClosed(1, 64).forEach(k -> counts[options.serverIndex(k)]++);
        assertThat(counts).containsExactly(22, 21, 21);
        // by the agency's number, not its place in the range: agency 5 of 5..9 goes to the second of three servers
        LoadGenOptions later = LoadGenOptions.parse(List.of("--server", "a:1,b:2,c:3", "--agencies", "5..9"));
        assertThat(IntStream.rangeClosed(5, 9).mapToObj(later::serverOf).map(ServerAddress::host).toList())
                .containsExactly("b", "c", "a", "b", "c");
        // one server: everyone there
        LoadGenOptions single = LoadGenOptions.parse(List.of("--server", "a:1", "--agencies", "1..9"));
        assertThat(IntStream.rangeClosed(1, 9).map(single::serverIndex).distinct().toArray()).containsExactly(0);
    }

    @Test
    void theHelpSaysHowAgenciesAreSpread() {
        assertThat(LoadGenOptions.USAGE).contains("HOST:PORT[,HOST:PORT...]", "(k - 1) mod count",
                "PID,PID,...", "server_cpu_s is their sum", "server_peak_rss_mb the");
    }

    @Test
    void eachAgencyIsStoredByItsServerAndGetsItsWinnersFromIt() throws Exception {
        // Two independent fake servers: each holds the winners until its own agencies finished, so a run where an
        // agency talked to the wrong server would never end (or store the bets on the wrong one).
        try (FakeServer first = new FakeServer(3, 4, true); FakeServer second = new FakeServer(2, 0, false)) {
            LoadGenOptions options = new LoadGenOptions(List.of(new ServerAddress("127.0.0.1", first.port()),
                    new ServerAddress("127.0.0.1", second.port())), 1, 5, 500, 40, 7, 4, null, dir, 60, 20, 0,
                    List.of(), null, true, null, 512);
            LoadGen.Result result = LoadGen.run(options, PROGRESS);
            assertThat(result.failures()).isEmpty();
            assertThat(result.betsAcked()).isEqualTo(2500);

            List<AgencyPlan> plans = LoadGen.plans(options);
            for (AgencyPlan plan : plans) {
                FakeServer mine = plan.agency() % 2 == 1 ? first : second;
                FakeServer other = mine == first ? second : first;
                List<Bet> mineStored = mine.inspect(s -> s.stored(plan.agency()));
                List<Bet> otherStored = other.inspect(s -> s.stored(plan.agency()));
                assertThat(mineStored).isEqualTo(plan.bets());
                assertThat(otherStored).isEmpty();
            }
            assertThat(first.inspect(FakeServer::duplicates)).isZero();
            StringBuilder winners = new StringBuilder();
            plans.forEach(p -> winners.append(p.agency()).append(' ').append(p.expectedWinners()).append('\n'));
            assertThat(Files.readString(dir.resolve("winners.txt"), StandardCharsets.UTF_8))
                    .isEqualTo(winners.toString());

            JsonNode json = new ObjectMapper().readTree(result.report().json());
            assertThat(texts(json.get("servers")))
                    .containsExactly("127.0.0.1:" + first.port(), "127.0.0.1:" + second.port());
            assertThat(json.get("server_agencies").toString()).isEqualTo("[3,2]");
            assertThat(json.get("server_bets").toString()).isEqualTo("[1500,1000]");
            assertThat(json.get("server_bets_per_s")).hasSize(2).allSatisfy(n -> assertThat(n.asLong()).isPositive());
            // the run's bets/s is over all servers: at most the sum of theirs (each one's clock ends earlier)
            long sum = 0;
            for (JsonNode n : json.get("server_bets_per_s")) {
                sum += n.asLong();
            }
            assertThat(json.get("bets_per_s").asLong()).isLessThanOrEqualTo(sum + 1);
            assertThat(result.report().table()).contains("server_bets_per_s");
        }
    }

    @Test
    void theAgenciesOfAServerThatIsDownFailAndTheOthersStillGetTheirWinners() throws Exception {
        int downPort;
        try (FakeServer gone = new FakeServer(1, 0, false)) {
            downPort = gone.port();
        }
        try (FakeServer up = new FakeServer(2, 0, false)) {
            LoadGenOptions options = new LoadGenOptions(List.of(new ServerAddress("127.0.0.1", up.port()),
                    new ServerAddress("127.0.0.1", downPort)), 1, 3, 50, 40, 7, 4, null, dir, 2, 100, 0, List.of(),
                    null, true, null, 512);
            LoadGen.Result result = LoadGen.run(options, PROGRESS);
            assertThat(result.success()).isFalse();
            assertThat(result.failures()).containsOnlyKeys(2);
            assertThat(result.failures().get(2)).contains("timed out");
            assertThat(result.winners()).containsOnlyKeys(1, 3);
        }
    }

    @Test
    void aOneServerReportKeepsExactlyItsKeys() throws Exception {
        try (FakeServer server = new FakeServer(2, 0, false)) {
            LoadGenOptions options = new LoadGenOptions(List.of(new ServerAddress("127.0.0.1", server.port())), 1, 2,
                    50, 40, 7, 4, null, dir, 60, 20, 0, List.of(ProcessHandle.current().pid()), null, true, null, 512);
            JsonNode json = new ObjectMapper().readTree(LoadGen.run(options, PROGRESS).report().json());
            List<String> keys = new ArrayList<>();
            json.fieldNames().forEachRemaining(keys::add);
            assertThat(keys).containsExactly("agencies", "bets", "batch_max", "in_flight", "success", "reconnects",
                    "ingest_s", "bets_per_s", "batches_acked", "ack_p50_ms", "ack_p99_ms", "ack_max_ms",
                    "first_ack_p99_ms", "first_ack_max_ms", "draw_wait_s", "total_s", "server_cpu_s",
                    "server_peak_rss_mb", "server_thread_cpu_s", "generator_cpu_s", "loopback_ceiling_bets_per_s",
                    "disk_ceiling_bets_per_s", "fraction_of_ceiling");
            assertThat(json.get("server_cpu_s").isNull()).isFalse();
            assertThat(json.get("server_thread_cpu_s").isObject()).isTrue();
        }
    }

    @Test
    void severalPidsSumTheirCpuAndTakeTheLargestPeakRss() throws Exception {
        long self = ProcessHandle.current().pid();
        try (FakeServer server = new FakeServer(2, 0, false)) {
            LoadGenOptions options = new LoadGenOptions(List.of(new ServerAddress("127.0.0.1", server.port())), 1, 2,
                    300, 40, 7, 4, null, dir, 60, 20, 0, List.of(self, self), null, true, null, 512);
            Report report = LoadGen.run(options, PROGRESS).report();
            assertThat(report.serversEach()).hasSize(2);
            JsonNode json = new ObjectMapper().readTree(report.json());
            double each0 = json.get("server_cpu_s_each").get(0).asDouble();
            double each1 = json.get("server_cpu_s_each").get(1).asDouble();
            assertThat(json.get("server_cpu_s").asDouble()).isCloseTo(each0 + each1, Offset.offset(0.02));
            long rss = Math.max(json.get("server_peak_rss_mb_each").get(0).asLong(),
                    json.get("server_peak_rss_mb_each").get(1).asLong());
            assertThat(json.get("server_peak_rss_mb").asLong()).isEqualTo(rss).isPositive();
            assertThat(json.has("servers")).isFalse();
        }
        // a pid that cannot be read leaves the server figures out, as with one pid
        assertThat(LoadGen.serverUse(List.of(ProcessStats.self(), java.util.Optional.empty()),
                List.of(ProcessStats.self(), ProcessStats.self()))).isNull();
        Report.ServerUse total = Report.ServerUse.total(List.of(new Report.ServerUse(1.5, 300),
                new Report.ServerUse(2.25, 200)));
        assertThat(total).isEqualTo(new Report.ServerUse(3.75, 300));
    }

    @Test
    void rowsOnlyWritesTheBetsTheAgenciesWouldSendWithoutAServer() throws Exception {
        Path out = dir.resolve("rows");
        assertThat(LoadGenMain.run(new String[] {"--rows-only", "--agencies", "1..3", "--bets", "250", "--seed", "7",
            "--winner-permille", "20", "--out", out.toString()})).isZero();
        StringBuilder expected = new StringBuilder();
        LoadGen.plans(new LoadGenOptions("h", 1, 1, 3, 250, 163, 7, 8, null, out, 60, 20, 0))
                .forEach(p -> p.appendRows(expected));
        assertThat(Files.readString(out.resolve("expected.csv"), StandardCharsets.UTF_8))
                .isEqualTo(expected.toString());
        assertThat(LoadGenOptions.parse(List.of("--rows-only")).rowsOnly()).isTrue();
        assertThat(LoadGenOptions.parse(List.of("--server", "h:1")).rowsOnly()).isFalse();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
