package lottery.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lottery.protocol.message.Batch;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.Finish;
import lottery.protocol.message.MessageType;
import lottery.protocol.message.Winners;
import lottery.protocol.message.WinnersQuery;
import lottery.server.ServerConfig;
import lottery.server.support.Bets;
import lottery.server.support.ClientLoops;
import lottery.server.support.TestClient;
import lottery.server.support.TestServer;
import lottery.testkit.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ops endpoint (SERVER_METRICS_PORT) of an in-process server on loopback, scraped while real agencies play a
 * small round: the counters equal what was sent, the gauges follow the round, {@code /status.json} has the status
 * page's shape, {@code /ready} turns 503 when the bets file is gone.
 */
class OpsEndpointTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private ClientLoops clients;
    private TestServer server;
    private LogCapture log;
    private InetSocketAddress ops;

    @BeforeEach
    void start() throws Exception {
        log = LogCapture.open();
        clients = new ClientLoops();
        // fsync on: every Ack waits for a force, so the commit histogram counts.
        server = TestServer.start(new ServerConfig(0, 128, 2, dir.resolve("bets.csv"), 60, 5, true, "INFO")
                .withMetricsPort(0));
        ops = server.server().opsAddress();
    }

    @AfterEach
    void stop() {
        server.close();
        clients.close();
        log.close();
    }

    /** An HTTP answer: status, content type and body. */
    record Answer(int status, String type, String body) {
    }

    private Answer request(String method, String path) throws IOException {
        HttpURLConnection http = (HttpURLConnection) URI.create("http://127.0.0.1:" + ops.getPort() + path).toURL()
                .openConnection();
        http.setRequestMethod(method);
        http.setConnectTimeout(5_000);
        http.setReadTimeout(10_000);
        try {
            int status = http.getResponseCode();
            InputStream in = status >= 400 ? http.getErrorStream() : http.getInputStream();
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Answer(status, http.getContentType(), body);
        } finally {
            http.disconnect();
        }
    }

    private Answer get(String path) throws IOException {
        return request("GET", path);
    }

    /** The value of the sample {@code name} (with its labels, as the text format writes them) in a scrape. */
    private static double sample(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(metrics);
        assertThat(m.find()).as("sample %s in%n%s", name, metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }

    /** Scrapes {@code /metrics} until {@code condition} holds, within the deadline; the last scrape. */
    private String metricsUntil(Predicate<String> condition) throws IOException, InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            Answer answer = get("/metrics");
            assertThat(answer.status()).isEqualTo(200);
            if (condition.test(answer.body()) || System.nanoTime() > end) {
                return answer.body();
            }
            Thread.sleep(20);
        }
    }

    private JsonNode status() throws IOException {
        Answer answer = get("/status.json");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.type()).isEqualTo("application/json");
        return JSON.readTree(answer.body());
    }

    @Test
    void aRoundIsCountedInTheMetricsAndShownInTheStatus() throws Exception {
        assertThat(log.messages()).contains("action: ops_listen | result: success | port: " + ops.getPort());
        assertThat(get("/health")).isEqualTo(new Answer(200, "text/plain; charset=utf-8", "ok\n"));
        assertThat(get("/ready")).isEqualTo(new Answer(200, "text/plain; charset=utf-8", "ready\n"));
        JsonNode before = status();
        assertThat(before.at("/round/state").asText()).isEqualTo("open");
        assertThat(before.at("/agencies/1/winners").isNull()).isTrue();

        try (TestClient first = TestClient.agency(clients.group(), server.address(), 1);
             TestClient second = TestClient.agency(clients.group(), server.address(), 2)) {
            first.send(new Batch(1, Bets.range(1, 0, 20))); // winners: indices 0, 7, 14
            first.expectAck(MessageType.BATCH, 1, 20);
            first.send(new Batch(2, Bets.range(1, 20, 25))); // winner: 21
            first.expectAck(MessageType.BATCH, 2, 5);
            first.send(Finish.INSTANCE);
            first.expectAck(MessageType.FINISH, 0, 25);
            first.send(new Batch(3, Bets.range(1, 25, 26)));
            first.expectError(ErrorCode.BET_AFTER_FINISH);

            // During the round: agency 1 finished and connected, agency 2 connected, no draw.
            String during = get("/metrics").body();
            assertThat(sample(during, "lottery_bets_stored_total")).isEqualTo(25);
            assertThat(sample(during, "lottery_batches_stored_total")).isEqualTo(2);
            assertThat(sample(during, "lottery_refusals_total{code=\"BET_AFTER_FINISH\"}")).isEqualTo(1);
            assertThat(sample(during, "lottery_refusals_total{code=\"SEQUENCE_GAP\"}")).isZero();
            assertThat(sample(during, "lottery_agencies_finished")).isEqualTo(1);
            assertThat(sample(during, "lottery_agencies_connected")).isEqualTo(2);
            assertThat(sample(during, "lottery_agencies_answered")).isZero();
            assertThat(sample(during, "lottery_round_agencies")).isEqualTo(2);
            assertThat(sample(during, "lottery_round_drawn")).isZero();
            assertThat(sample(during, "lottery_round_open")).isEqualTo(1);
            assertThat(sample(during, "lottery_round_view_fresh")).isEqualTo(1);
            assertThat(sample(during, "lottery_connections_open")).isEqualTo(2);
            assertThat(sample(during, "lottery_store_backlog_writes")).isZero();
            // HELLO x2, BATCH x2, FINISH: every Ack waited for its force.
            assertThat(sample(during, "lottery_ack_latency_seconds_count")).isEqualTo(5);
            assertThat(sample(during, "lottery_commit_latency_seconds_count")).isPositive();
            assertThat(sample(during, "process_cpu_seconds_total")).isPositive();
            assertThat(sample(during, "jvm_memory_used_bytes{area=\"heap\"}")).isPositive();
            JsonNode agency1 = status().at("/agencies/0");
            assertThat(agency1.get("agency").asInt()).isEqualTo(1);
            assertThat(agency1.get("stored").asLong()).isEqualTo(25);
            assertThat(agency1.get("batches").asLong()).isEqualTo(2);
            assertThat(agency1.get("connected").asBoolean()).isTrue();
            assertThat(agency1.get("finished").asBoolean()).isTrue();
            assertThat(agency1.get("winners").isNull()).isTrue();

            second.send(new Batch(1, Bets.range(2, 0, 8))); // winners: 0, 7
            second.expectAck(MessageType.BATCH, 1, 8);
            second.send(Finish.INSTANCE);
            second.expectAck(MessageType.FINISH, 0, 8);
            second.send(WinnersQuery.INSTANCE);
            assertThat(second.receive()).isEqualTo(new Winners(true, List.of("20000000", "20000007")));
            first.send(WinnersQuery.INSTANCE);
            assertThat(((Winners) first.receive()).documents()).hasSize(4);
        }

        String after = metricsUntil(text -> sample(text, "lottery_agencies_connected") == 0);
        assertThat(sample(after, "lottery_bets_stored_total")).isEqualTo(33);
        assertThat(sample(after, "lottery_batches_stored_total")).isEqualTo(3);
        assertThat(sample(after, "lottery_round_bets")).isEqualTo(33);
        assertThat(sample(after, "lottery_agencies_finished")).isEqualTo(2);
        assertThat(sample(after, "lottery_agencies_answered")).isEqualTo(2);
        assertThat(sample(after, "lottery_agencies_connected")).isZero();
        assertThat(sample(after, "lottery_round_drawn")).isEqualTo(1);
        assertThat(sample(after, "lottery_ack_latency_seconds_count")).isEqualTo(7);
        assertThat(sample(after, "lottery_ack_latency_seconds_bucket{le=\"+Inf\"}")).isEqualTo(7);

        JsonNode status = status();
        assertThat(fieldNames(status)).containsExactly("round", "rate", "agencies");
        assertThat(fieldNames(status.get("round"))).containsExactly("agencies", "bets", "batches", "finished",
                "answered", "connected", "drawn", "state");
        assertThat(status.get("round")).isEqualTo(JSON.readTree("{\"agencies\":2,\"bets\":33,\"batches\":3,"
                + "\"finished\":2,\"answered\":2,\"connected\":0,\"drawn\":true,\"state\":\"over\"}"));
        assertThat(status.at("/rate/intervalSeconds").asInt()).isEqualTo(1);
        assertThat(status.at("/rate/betsPerSecond").isArray()).isTrue();
        assertThat(status.at("/rate/betsPerSecond").size()).isLessThanOrEqualTo(60);
        assertThat(status.get("agencies")).isEqualTo(JSON.readTree("[{\"agency\":1,\"stored\":25,\"batches\":2,"
                + "\"connected\":false,\"finished\":true,\"answered\":true,\"winners\":4},"
                + "{\"agency\":2,\"stored\":8,\"batches\":1,\"connected\":false,\"finished\":true,\"answered\":true,"
                + "\"winners\":2}]"));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    @Test
    void readyTurnsUnavailableOnceTheBetsFileIsGoneWhileHealthStaysUp() throws Exception {
        assertThat(get("/ready").status()).isEqualTo(200);

        Files.delete(dir.resolve("bets.csv"));

        Answer ready = get("/ready");
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.body()).isEqualTo("not ready: the bets file " + dir.resolve("bets.csv") + " is missing\n");
        assertThat(get("/health").status()).isEqualTo(200);
    }

    @Test
    void otherPathsAreNotFoundOtherMethodsNotAllowedAndHeadHasNoBody() throws Exception {
        Answer missing = get("/nothing-here");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body()).startsWith("not found");
        Answer post = request("POST", "/metrics");
        assertThat(post.status()).isEqualTo(405);
        assertThat(request("DELETE", "/health").status()).isEqualTo(405);
        assertThat(request("HEAD", "/status.json")).isEqualTo(new Answer(200, "application/json", ""));

        Answer page = get("/");
        if (OpsServer.class.getClassLoader().getResource(OpsServer.STATUS_PAGE) == null) {
            assertThat(page.status()).isEqualTo(404);
            assertThat(page.body()).contains(OpsServer.STATUS_PAGE).contains("/status.json");
        } else {
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.type()).isEqualTo("text/html; charset=utf-8");
        }
    }

    @Test
    void aRequestLargerThanTheBoundIsRefused() throws Exception {
        HttpURLConnection http = (HttpURLConnection) URI.create("http://127.0.0.1:" + ops.getPort() + "/health")
                .toURL().openConnection();
        http.setRequestMethod("POST");
        http.setDoOutput(true);
        http.setFixedLengthStreamingMode(OpsServer.MAX_REQUEST_BYTES + 1);
        int status;
        try {
            try (OutputStream out = http.getOutputStream()) {
                out.write(new byte[OpsServer.MAX_REQUEST_BYTES + 1]);
            }
            status = http.getResponseCode();
        } catch (IOException reset) {
            // The server may answer 413 and close before the whole body is sent.
            status = 413;
        } finally {
            http.disconnect();
        }
        assertThat(status).isEqualTo(413);
    }

    @Test
    void theStopClosesTheEndpointWithItsOwnLine() throws Exception {
        server.close();

        assertThat(log.messages()).contains("action: shutdown | result: success | resource: ops_endpoint");
        assertThat(log.messages().indexOf("action: shutdown | result: success | resource: ops_endpoint"))
                .isGreaterThan(log.messages().indexOf("action: shutdown | result: success | resource: server_socket"));
    }
}
