package lottery.server;

import static org.assertj.core.api.Assertions.assertThat;

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
import lottery.protocol.message.Batch;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.Finish;
import lottery.protocol.message.Hello;
import lottery.protocol.message.MessageType;
import lottery.protocol.message.Winners;
import lottery.protocol.message.WinnersQuery;
import lottery.server.store.postgres.PgSettings;
import lottery.server.support.Bets;
import lottery.server.support.ClientLoops;
import lottery.server.support.TestClient;
import lottery.testkit.LogCapture;
import lottery.testkit.Postgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two servers on one PostgreSQL (a real one, {@link Postgres}) over TCP: an agency that moves from one to the other
 * resumes where it was, a resent batch is stored once, the old session is fenced off, FINISHes that reach different
 * servers start one draw, and a winners query held on one server is answered after a draw another server ran.
 */
class SharedStoreServerTest {
    private final ClientLoops clients = new ClientLoops();
    private final List<LotteryServer> servers = new ArrayList<>();
    private String url;

    @BeforeEach
    void database() {
        url = Postgres.freshDatabase();
    }

    @AfterEach
    void stop() {
        clients.close();
        servers.forEach(LotteryServer::stop);
    }

    private InetSocketAddress start(int agencies) throws Exception {
        ServerConfig config = new ServerConfig(0, 8, agencies, Path.of("unused.csv"), 60, 1, true, "INFO")
                .withPostgres(new PgSettings(url, Postgres.USER, "", 3, PgSettings.Bulk.COPY));
        LotteryServer server = new LotteryServer(config, InetAddress.getLoopbackAddress());
        servers.add(server);
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.start().getPort());
    }

    private long rows(String where) throws Exception {
        try (Connection c = DriverManager.getConnection(url, Postgres.USER, "");
             Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM bet " + where)) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void anAgencyMovesToAnotherServerResumesThereAndItsOldSessionCanStoreNothing() throws Exception {
        InetSocketAddress a = start(1);
        InetSocketAddress b = start(1);
        try (LogCapture log = LogCapture.open();
             TestClient first = TestClient.agency(clients.group(), a, 1)) {
            first.sendAll(List.of(new Batch(1, Bets.range(1, 0, 10)), new Batch(2, Bets.range(1, 10, 15))));
            first.expectAck(MessageType.BATCH, 1, 10);
            first.expectAck(MessageType.BATCH, 2, 5);

            try (TestClient second = TestClient.connect(clients.group(), b)) {
                second.send(Hello.of(1));
                second.expectAck(MessageType.HELLO, 2, 15);
                // The old connection is still open on the first server: what it sends now is refused, not stored.
                first.send(new Batch(3, Bets.range(1, 15, 20)));
                first.expectError(ErrorCode.AGENCY_BUSY);
                assertThat(first.awaitClosed()).isTrue();

                // The resend of a batch stored through the first server is acked again and not stored twice.
                second.sendAll(List.of(new Batch(2, Bets.range(1, 10, 15)), new Batch(3, Bets.range(1, 15, 21)),
                        Finish.INSTANCE, WinnersQuery.INSTANCE));
                second.expectAck(MessageType.BATCH, 2, 5);
                second.expectAck(MessageType.BATCH, 3, 6);
                second.expectAck(MessageType.FINISH, 0, 21);
                assertThat(second.receive()).isEqualTo(new Winners(true,
                        List.of("10000000", "10000007", "10000014")));
            }
            assertThat(rows("")).isEqualTo(21);
            assertThat(log.await(line -> line.contains("action: sorteo | result: success"), Duration.ofSeconds(20)))
                    .isNotNull();
        }
    }

    @Test
    void finishesOnTwoServersStartOneDrawAndAHeldQueryIsAnsweredByTheOtherServersDraw() throws Exception {
        InetSocketAddress a = start(2);
        InetSocketAddress b = start(2);
        try (LogCapture log = LogCapture.open();
             TestClient one = TestClient.agency(clients.group(), a, 1);
             TestClient two = TestClient.agency(clients.group(), b, 2)) {
            one.sendAll(List.of(new Batch(1, Bets.range(1, 0, 8)), Finish.INSTANCE, WinnersQuery.INSTANCE));
            one.expectAck(MessageType.BATCH, 1, 8);
            one.expectAck(MessageType.FINISH, 0, 8);
            // Agency 2 has not finished: agency 1's query is held on server A. Nothing is answered before the draw:
            // the first thing agency 1 receives below is the winners, which exist only once agency 2 has finished.

            two.sendAll(List.of(new Batch(1, Bets.range(2, 0, 15)), Finish.INSTANCE, WinnersQuery.INSTANCE));
            two.expectAck(MessageType.BATCH, 1, 15);
            two.expectAck(MessageType.FINISH, 0, 15);
            assertThat(two.receive()).isEqualTo(new Winners(true, List.of("20000000", "20000007", "20000014")));
            assertThat(one.receive()).isEqualTo(new Winners(true, List.of("10000000", "10000007")));

            // One server drew, the other loaded its winners: both logged one line, and only one says sorteo.
            log.await(line -> line.contains("action: winners_loaded"), Duration.ofSeconds(20));
            assertThat(log.count("action: sorteo | result: success")).isEqualTo(1);
            assertThat(log.messagesStartingWith("action: winners_loaded")).hasSize(1);
        }
    }

    @Test
    void theLastTwoFinishesSentAtOnceToTwoServersStartExactlyOneDraw() throws Exception {
        InetSocketAddress a = start(2);
        InetSocketAddress b = start(2);
        try (LogCapture log = LogCapture.open();
             TestClient one = TestClient.agency(clients.group(), a, 1);
             TestClient two = TestClient.agency(clients.group(), b, 2)) {
            one.send(new Batch(1, Bets.range(1, 0, 8)));
            two.send(new Batch(1, Bets.range(2, 0, 15)));
            one.expectAck(MessageType.BATCH, 1, 8);
            two.expectAck(MessageType.BATCH, 1, 15);
            // Both FINISHes (and the queries behind them) are on the wire before either is answered: each server
            // commits one and polls; whichever takes the round's lock draws, the other finds the round drawn.
            one.sendAll(List.of(Finish.INSTANCE, WinnersQuery.INSTANCE));
            two.sendAll(List.of(Finish.INSTANCE, WinnersQuery.INSTANCE));
            one.expectAck(MessageType.FINISH, 0, 8);
            two.expectAck(MessageType.FINISH, 0, 15);
            assertThat(one.receive()).isEqualTo(new Winners(true, List.of("10000000", "10000007")));
            assertThat(two.receive()).isEqualTo(new Winners(true, List.of("20000000", "20000007", "20000014")));
            log.await(line -> line.contains("action: winners_loaded"), Duration.ofSeconds(20));
            assertThat(log.count("action: sorteo | result: success")).isEqualTo(1);
        }
    }

    @Test
    void aQueryOnAnotherServerThanTheAgencysFinishIsHeldNotRefused() throws Exception {
        InetSocketAddress a = start(2);
        InetSocketAddress b = start(2);
        try (TestClient one = TestClient.agency(clients.group(), a, 1)) {
            one.sendAll(List.of(Finish.INSTANCE));
            one.expectAck(MessageType.FINISH, 0, 0);
        }
        // The agency's FINISH went through server A; on server B its HELLO loads it, so the query is held, not
        // refused with FINISH_REQUIRED.
        try (TestClient again = TestClient.connect(clients.group(), b)) {
            again.send(Hello.of(1));
            again.expectAck(MessageType.HELLO, 0, 0);
            again.send(WinnersQuery.INSTANCE);
            again.send(new Batch(1, Bets.range(1, 0, 1)));
            // Requests behind a held query wait for it; agency 2 finishing releases both. Held, not refused: the
            // first answer is the winners, which exist only after agency 2's Finish (a FINISH_REQUIRED would come
            // first, before the draw could run).
            try (TestClient two = TestClient.agency(clients.group(), b, 2)) {
                two.send(Finish.INSTANCE);
                two.expectAck(MessageType.FINISH, 0, 0);
            }
            assertThat(again.receive()).isEqualTo(new Winners(true, List.of()));
            again.expectError(ErrorCode.BET_AFTER_FINISH);
        }
    }
}
