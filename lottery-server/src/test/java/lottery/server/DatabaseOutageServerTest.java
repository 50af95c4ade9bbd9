package lottery.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import lottery.protocol.message.Ack;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Bet;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.ErrorReply;
import lottery.protocol.message.Finish;
import lottery.protocol.message.Hello;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.MessageType;
import lottery.protocol.message.Winners;
import lottery.protocol.message.WinnersQuery;
import lottery.server.store.postgres.PgSettings;
import lottery.server.support.Bets;
import lottery.server.support.ClientLoops;
import lottery.server.support.TestClient;
import lottery.testkit.FreePort;
import lottery.testkit.LogCapture;
import lottery.testkit.Postgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server on a PostgreSQL that stops and starts again mid-ingest (docs/RELIABILITY.md, "Database outages"): a
 * PostgreSQL of this test's own (embedded, its data directory kept across the restart, on the same port), so the
 * shared one of the other tests never stops. Within the outage bound the Acks wait and every agency goes on as if
 * nothing happened; past it the waiting agency gets DATABASE_UNAVAILABLE, reconnects and resumes; a HELLO that waits
 * for the database holds up nobody else's answers.
 */
@Timeout(180)
class DatabaseOutageServerTest {
    private final ClientLoops clients = new ClientLoops();
    private final List<LotteryServer> servers = new ArrayList<>();
    @TempDir
    Path dataDirectory;
    private int port;
    private EmbeddedPostgres database;
    private String url;

    @BeforeEach
    void startDatabase() throws Exception {
        port = FreePort.pick();
        startPostgres();
        try (Connection c = database.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE lottery");
        }
        url = "jdbc:postgresql://localhost:" + port + "/lottery";
    }

    @AfterEach
    void stop() throws IOException {
        clients.close();
        servers.forEach(LotteryServer::stop);
        if (database != null) {
            database.close();
        }
    }

    /** Starts (or starts again) this test's PostgreSQL on its port, on the data it had. */
    private void startPostgres() throws IOException {
        database = EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false)
                .setPort(port).start();
    }

    /** Stops it the way {@code pg_ctl -m fast stop} does: every connection is terminated (57P01). */
    private void stopPostgres() throws IOException {
        database.close();
        database = null;
    }

    private InetSocketAddress start(int agencies, int outageSeconds) throws Exception {
        // A handshake deadline above the outages here: a HELLO that waits for the database is answered, not timed out.
        ServerConfig config = new ServerConfig(0, 8, agencies, Path.of("unused.csv"), 120, 1, true, "INFO")
                .withConnectionLimits(ServerConfig.DEFAULT_MAX_CONNECTIONS, 120)
                .withPostgres(new PgSettings(url, Postgres.USER, "", 3, PgSettings.Bulk.COPY, outageSeconds));
        LotteryServer server = new LotteryServer(config, InetAddress.getLoopbackAddress());
        servers.add(server);
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.start().getPort());
    }

    /** The bet table as "agency:document:number", sorted: a multiset to compare with what was sent. */
    private List<String> rows() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, Postgres.USER, "");
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT agency, document, number FROM bet ORDER BY 1, 2, 3")) {
            while (r.next()) {
                rows.add(r.getInt(1) + ":" + r.getString(2) + ":" + r.getInt(3));
            }
        }
        return rows;
    }

    /** {@code bets} of {@code agency} as {@link #rows} shows them. */
    private static List<String> asRows(int agency, List<Bet> bets) {
        return bets.stream().map(bet -> agency + ":" + bet.document() + ":" + bet.number()).toList();
    }

    private static List<String> sorted(List<String> rows) {
        return rows.stream().sorted().toList();
    }

    @Test
    void everyAgencyRidesThroughARestartOfTheDatabaseMidIngestWithEachBetStoredOnceAndOneDraw() throws Exception {
        InetSocketAddress server = start(3, 60);
        List<String> all = new ArrayList<>();
        List<TestClient> agencies = new ArrayList<>();
        try (LogCapture log = LogCapture.open()) {
            for (int agency = 1; agency <= 3; agency++) {
                TestClient client = TestClient.agency(clients.group(), server, agency);
                agencies.add(client);
                List<Bet> batch = Bets.range(agency, 0, 10);
                all.addAll(asRows(agency, batch));
                client.send(new Batch(1, batch));
                client.expectAck(MessageType.BATCH, 1, 10);
            }

            stopPostgres();
            // Mid-ingest: every agency's next batch is in the server, its commit failing, its Ack waiting.
            for (int agency = 1; agency <= 3; agency++) {
                List<Bet> batch = Bets.range(agency, 10, 18);
                all.addAll(asRows(agency, batch));
                agencies.get(agency - 1).send(new Batch(2, batch));
            }
            assertThat(log.await(line -> line.contains("action: database | result: fail | outage: begun"),
                    Duration.ofSeconds(30))).isNotNull();
            startPostgres();

            for (int agency = 1; agency <= 3; agency++) {
                TestClient client = agencies.get(agency - 1);
                client.expectAck(MessageType.BATCH, 2, 8);
                List<Bet> batch = Bets.range(agency, 18, 21);
                all.addAll(asRows(agency, batch));
                client.sendAll(List.of(new Batch(3, batch), Finish.INSTANCE, WinnersQuery.INSTANCE));
                client.expectAck(MessageType.BATCH, 3, 3);
                client.expectAck(MessageType.FINISH, 0, 21);
            }
            for (int agency = 1; agency <= 3; agency++) {
                String base = Integer.toString(agency * 10_000_000);
                assertThat(agencies.get(agency - 1).receive()).isEqualTo(new Winners(true, List.of(base,
                        Integer.toString(agency * 10_000_000 + 7), Integer.toString(agency * 10_000_000 + 14))));
            }
            assertThat(log.count("action: sorteo | result: success")).isEqualTo(1);
            assertThat(log.messagesStartingWith("action: database | result: success | outage: over")).isNotEmpty();
            assertThat(log.messagesStartingWith("action: protocol_error")).isEmpty();
        } finally {
            agencies.forEach(TestClient::close);
        }
        assertThat(rows()).containsExactlyElementsOf(sorted(all));
    }

    @Test
    void pastTheOutageBoundTheAgencyGetsDatabaseUnavailableThenResumesAndCompletes() throws Exception {
        InetSocketAddress server = start(1, 1);
        List<String> all = new ArrayList<>();
        try (LogCapture log = LogCapture.open()) {
            try (TestClient first = TestClient.agency(clients.group(), server, 1)) {
                List<Bet> batch1 = Bets.range(1, 0, 10);
                all.addAll(asRows(1, batch1));
                first.send(new Batch(1, batch1));
                first.expectAck(MessageType.BATCH, 1, 10);

                stopPostgres();
                first.send(new Batch(2, Bets.range(1, 10, 15)));
                ErrorReply refused = first.expectError(ErrorCode.DATABASE_UNAVAILABLE);
                assertThat(refused.seq()).isEqualTo(2);
                assertThat(refused.code().isRetryable()).isTrue();
                assertThat(first.awaitClosed()).isTrue();
            }
            assertThat(log.messagesStartingWith("action: database | result: fail | outage: past_bound")).hasSize(1);
            startPostgres();

            // What a client does on a retryable code: connect again, HELLO, go on from the resume point.
            TestClient again = helloUntilServed(server, 1, new Ack(MessageType.HELLO, 1, 10));
            List<Bet> batch2 = Bets.range(1, 10, 15);
            all.addAll(asRows(1, batch2));
            again.sendAll(List.of(new Batch(2, batch2), Finish.INSTANCE, WinnersQuery.INSTANCE));
            again.expectAck(MessageType.BATCH, 2, 5);
            again.expectAck(MessageType.FINISH, 0, 15);
            assertThat(again.receive()).isEqualTo(new Winners(true, List.of("10000000", "10000007", "10000014")));
            again.close();
            assertThat(log.count("action: sorteo | result: success")).isEqualTo(1);
        }
        assertThat(rows()).containsExactlyElementsOf(sorted(all));
    }

    /**
     * Says HELLO on new connections until one is not refused with DATABASE_UNAVAILABLE (the database may still be
     * coming back), at most 10 times; the answer must be {@code expected}.
     */
    private TestClient helloUntilServed(InetSocketAddress server, int agency, Ack expected) throws Exception {
        for (int attempt = 1; attempt <= 10; attempt++) {
            TestClient client = TestClient.connect(clients.group(), server);
            client.send(Hello.of(agency));
            LotteryMessage answer = client.receive();
            if (answer instanceof ErrorReply error && error.code() == ErrorCode.DATABASE_UNAVAILABLE) {
                client.close();
                continue;
            }
            assertThat(answer).isEqualTo(expected);
            return client;
        }
        throw new AssertionError("no HELLO of agency " + agency + " served in 10 attempts");
    }

    @Test
    void aHelloWaitingForTheDatabaseHoldsUpNoOtherAgencysAnswers() throws Exception {
        InetSocketAddress server = start(2, 60);
        try (LogCapture log = LogCapture.open();
             TestClient two = TestClient.agency(clients.group(), server, 2)) {
            List<Bet> batch = Bets.range(2, 0, 10);
            two.send(new Batch(1, batch));
            two.expectAck(MessageType.BATCH, 1, 10);

            stopPostgres();
            try (TestClient one = TestClient.connect(clients.group(), server)) {
                one.send(Hello.of(1));
                // The claim of agency 1 needs the database; agency 2's resend of a stored batch does not.
                assertThat(log.await(line -> line.contains("action: database | result: fail | outage: begun"),
                        Duration.ofSeconds(30))).contains("start the session of agency 1");
                two.send(new Batch(1, batch));
                two.expectAck(MessageType.BATCH, 1, 10);
                // Agency 2 was answered while agency 1's HELLO still waits for the database: nothing came to it.
                assertThat(one.poll(Duration.ZERO)).isNull();

                startPostgres();
                one.expectAck(MessageType.HELLO, 0, 0);
            }
        }
    }
}
