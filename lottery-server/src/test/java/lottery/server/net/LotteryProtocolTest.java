package lottery.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import lottery.protocol.codec.BatchPacker;
import lottery.protocol.codec.Wire;
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
import lottery.server.store.StoredBet;
import lottery.server.store.csv.CsvBetStore;
import lottery.server.support.Bets;
import lottery.server.support.ClientLoops;
import lottery.server.support.Frames;
import lottery.server.support.TestClient;
import lottery.server.support.TestServer;
import lottery.testkit.LogCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One agency at a time over loopback: the request/answer rules of the lottery connection. */
class LotteryProtocolTest {
    private static ClientLoops clients;

    @TempDir
    Path dir;
    private TestServer server;
    private LogCapture log;

    @BeforeAll
    static void startClients() {
        clients = new ClientLoops();
    }

    @AfterAll
    static void stopClients() {
        clients.close();
    }

    @BeforeEach
    void startServer() throws Exception {
        LogLimits.reset();
        log = LogCapture.open();
        server = TestServer.start(dir, 2);
    }

    @AfterEach
    void stopServer() {
        server.close();
        log.close();
    }

    private TestClient connect() throws InterruptedException {
        return TestClient.connect(clients.group(), server.address());
    }

    private TestClient agency(int agency) throws InterruptedException {
        return TestClient.agency(clients.group(), server.address(), agency);
    }

    /**
     * A new session of {@code agency} right after its last one closed: until the server has seen that close the agency
     * is AGENCY_BUSY, so this tries again (as the reference client does), on a new connection each time.
     */
    private TestClient comeBack(int agency, Ack expected) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            TestClient client = connect();
            client.send(Hello.of(agency));
            LotteryMessage answer = client.receive();
            if (answer.equals(expected)) {
                return client;
            }
            client.close();
            assertThat(answer).isInstanceOfSatisfying(ErrorReply.class,
                    error -> assertThat(error.code()).isEqualTo(ErrorCode.AGENCY_BUSY));
            assertThat(attempt).as("attempts while the old session was still open").isLessThan(1000);
        }
    }

    private List<StoredBet> stored() throws Exception {
        try (CsvBetStore store = CsvBetStore.open(server.storage(), false)) {
            return store.loadBets();
        }
    }

    @Test
    void aSingleBetIsStoredAckedAndLogged() throws Exception {
        Bet bet = new Bet("Santiago Lionel", "Lorca", "30904465", LocalDate.of(1999, 3, 17), 7574);
        try (TestClient client = agency(1)) {
            client.send(bet);

            client.expectAck(MessageType.BET, 0, 1);
        }
        assertThat(stored()).containsExactly(Bets.stored(1, bet));
        assertThat(log.messages()).contains(
                "action: apuesta_almacenada | result: success | dni: 30904465 | numero: 7574");
    }

    @Test
    void aBatchIsStoredWholeAndLoggedOnce() throws Exception {
        List<Bet> bets = Bets.range(2, 0, 30);
        try (TestClient client = agency(2)) {
            client.send(new Batch(1, bets));

            client.expectAck(MessageType.BATCH, 1, 30);
        }
        assertThat(stored()).containsExactlyElementsOf(bets.stream().map(bet -> Bets.stored(2, bet)).toList());
        assertThat(log.count("action: apuesta_recibida | result: success | cantidad: 30")).isEqualTo(1);
        // Per-bet lines are DEBUG only.
        assertThat(log.lines()).noneMatch(line -> line.startsWith("INFO action: apuesta_almacenada"));
    }

    @Test
    void aBatchWithAnInvalidBetStoresNothingAndTheConnectionGoesOn() throws Exception {
        List<Bet> bets = Bets.range(1, 0, 5);
        byte[] frame = Frames.of(new Batch(1, bets));
        // The third bet's month: after length, type, seq, count and two bets; a bet ends with month, day, number.
        int offset = 4 + 1 + 4 + 2 + Wire.betSize(bets.get(0)) + Wire.betSize(bets.get(1)) + Wire.betSize(bets.get(2))
                - 4;
        frame[offset] = 13;
        try (TestClient client = agency(1)) {
            client.sendRaw(frame);

            ErrorReply error = client.expectError(ErrorCode.INVALID_BET);
            assertThat(error.ref()).isEqualTo(MessageType.BATCH);
            assertThat(error.seq()).isEqualTo(1);
            assertThat(stored()).isEmpty();

            client.send(new Batch(1, bets));
            client.expectAck(MessageType.BATCH, 1, 5);
        }
        assertThat(stored()).hasSize(5);
        assertThat(log.messages()).containsSubsequence("action: apuesta_recibida | result: fail | cantidad: 5",
                "action: apuesta_recibida | result: success | cantidad: 5");
    }

    @Test
    void theHandshakeComesFirstAndOnlyOnce() throws Exception {
        try (TestClient client = connect()) {
            client.send(Bets.bet(1, 0));
            client.expectError(ErrorCode.HANDSHAKE_REQUIRED);
            assertThat(client.awaitClosed()).isTrue();
        }
        try (TestClient client = agency(1)) {
            client.send(Hello.of(1));
            client.expectError(ErrorCode.HANDSHAKE_REQUIRED);
            assertThat(client.awaitClosed()).isTrue();
        }
        assertThat(stored()).isEmpty();
        assertThat(log.messages()).anyMatch(line -> line.startsWith(
                "action: protocol_error | result: fail | ip: 127.0.0.1 | code: HANDSHAKE_REQUIRED | reason: "));
    }

    @Test
    void unsupportedVersionsAndUnknownAgenciesAreRefused() throws Exception {
        try (TestClient client = connect()) {
            client.send(new Hello(2, 1, ""));
            client.expectError(ErrorCode.UNSUPPORTED_VERSION);
            assertThat(client.awaitClosed()).isTrue();
        }
        try (TestClient client = connect()) {
            client.send(Hello.of(3));
            assertThat(client.expectError(ErrorCode.UNKNOWN_AGENCY).reason())
                    .isEqualTo("agency 3 does not take part in this draw");
            assertThat(client.awaitClosed()).isTrue();
        }
    }

    @Test
    void badFramesAreAnsweredAndCloseOnlyTheirConnection() throws Exception {
        try (TestClient bystander = agency(2)) {
            bystander.send(new Batch(1, Bets.range(2, 0, 3)));
            bystander.expectAck(MessageType.BATCH, 1, 3);

            expectFatal(Frames.raw(0x7F), ErrorCode.UNKNOWN_TYPE);
            expectFatal(new byte[] {0, 0, 0x20, 0x01}, ErrorCode.FRAME_TOO_LARGE);
            expectFatal(Frames.raw(0x01, 'X', 'X', 'X', 'X', 1, 0, 1, 0), ErrorCode.BAD_MAGIC);
            expectFatal(Frames.of(new Ack(MessageType.BET, 0, 1)), ErrorCode.UNEXPECTED_MESSAGE);
            // A batch that announces 3 bets and holds none: malformed, so fatal.
            byte[] truncated = Frames.raw(0x03, 0, 0, 0, 5, 0, 3);
            expectFatal(truncated, ErrorCode.MALFORMED_FRAME);

            bystander.send(new Batch(2, Bets.range(2, 3, 6)));
            bystander.expectAck(MessageType.BATCH, 2, 3);
        }
        assertThat(stored()).hasSize(6);
        assertThat(log.messages()).contains("action: apuesta_recibida | result: fail | cantidad: 3");
    }

    /** Sends {@code frame} after a handshake (when it is not itself one) and expects an error and a close. */
    private void expectFatal(byte[] frame, ErrorCode code) throws Exception {
        try (TestClient client = code == ErrorCode.BAD_MAGIC ? connect() : agency(1)) {
            client.sendRaw(frame);
            client.expectError(code);
            assertThat(client.awaitClosed()).as(code + " closes the connection").isTrue();
        }
    }

    @Test
    void finishAcksTheAgencysTotalRefusesLaterBetsAndAcksASecondFinishAgain() throws Exception {
        try (TestClient client = agency(1)) {
            client.send(new Batch(1, Bets.range(1, 0, 4)));
            client.expectAck(MessageType.BATCH, 1, 4);
            client.send(Bets.bet(1, 4));
            client.expectAck(MessageType.BET, 0, 1);

            client.send(Finish.INSTANCE);
            client.expectAck(MessageType.FINISH, 0, 5);
            client.send(Finish.INSTANCE);
            client.expectAck(MessageType.FINISH, 0, 5);
            client.send(new Batch(2, Bets.range(1, 5, 6)));
            ErrorReply refused = client.expectError(ErrorCode.BET_AFTER_FINISH);
            assertThat(refused.seq()).isEqualTo(2);
            assertThat(client.isOpen()).isTrue();
        }
        // The finish is the agency's, not the connection's; the HELLO Ack is the agency's resume point.
        try (TestClient again = comeBack(1, new Ack(MessageType.HELLO, 1, 5))) {
            again.send(Bets.bet(1, 9));
            again.expectError(ErrorCode.BET_AFTER_FINISH);
        }
        assertThat(stored()).hasSize(5);
        assertThat(log.messages()).contains("action: finish | result: success | agency: 1 | cantidad: 5",
                "action: apuesta_recibida | result: fail | cantidad: 1 | error: BET_AFTER_FINISH | reason: agency 1"
                        + " already sent Finish");
    }

    @Test
    void aWinnersQueryIsHeldUntilTheDrawAndAnswersInOrderWithOwnWinnersOnly() throws Exception {
        try (TestClient first = agency(1); TestClient second = agency(2)) {
            first.send(new Batch(1, Bets.range(1, 0, 20))); // winners: indices 0, 7, 14
            first.expectAck(MessageType.BATCH, 1, 20);
            first.send(Finish.INSTANCE);
            first.expectAck(MessageType.FINISH, 0, 20);
            first.send(WinnersQuery.INSTANCE);
            first.send(Bets.bet(1, 99)); // answered only after the winners

            // Agency 2 has not finished, so the draw cannot have run: the query can only wait. Agency 2 is served
            // meanwhile, and the first thing agency 1 receives below is the winners (which exist only after the
            // draw), then the answer to the bet behind the query: no answer came before the draw.
            assertThat(log.count("action: sorteo | result: success")).isZero();

            second.send(new Batch(1, Bets.range(2, 0, 8))); // winners: indices 0, 7
            second.expectAck(MessageType.BATCH, 1, 8);
            second.send(Finish.INSTANCE);
            second.expectAck(MessageType.FINISH, 0, 8);

            assertThat(first.receive()).isEqualTo(new Winners(true, List.of("10000000", "10000007", "10000014")));
            first.expectError(ErrorCode.BET_AFTER_FINISH);
            second.send(WinnersQuery.INSTANCE);
            assertThat(second.receive()).isEqualTo(new Winners(true, List.of("20000000", "20000007")));
        }
        assertThat(log.count("action: sorteo | result: success")).isEqualTo(1);
        assertThat(log.messages()).contains("action: winners | result: success | agency: 1 | cant_ganadores: 3");
    }

    @Test
    void aWinnersQueryBeforeTheAgencysFinishIsRefusedAndTheConnectionGoesOn() throws Exception {
        try (TestClient first = agency(1); TestClient second = agency(2)) {
            first.send(WinnersQuery.INSTANCE);
            ErrorReply error = first.expectError(ErrorCode.FINISH_REQUIRED);
            assertThat(error.ref()).isEqualTo(MessageType.WINNERS_QUERY);

            // Not held: the FINISH behind it is processed, and the draw can run.
            first.send(Finish.INSTANCE);
            first.expectAck(MessageType.FINISH, 0, 0);
            second.send(Finish.INSTANCE);
            second.expectAck(MessageType.FINISH, 0, 0);
            first.send(WinnersQuery.INSTANCE);
            assertThat(first.receive()).isEqualTo(new Winners(true, List.of()));
        }
        assertThat(log.count("action: sorteo | result: success")).isEqualTo(1);
    }

    @Test
    void manyWinnersTravelInSeveralFramesTheLastOneMarked() throws Exception {
        int count = (Winners.MAX_PER_FRAME + 10) * 7; // every seventh bet wins
        try (TestClient first = agency(1); TestClient second = agency(2)) {
            sendAll(first, 1, Bets.range(1, 0, count));
            first.send(Finish.INSTANCE);
            first.expectAck(MessageType.FINISH, 0, count);
            second.send(Finish.INSTANCE);
            second.expectAck(MessageType.FINISH, 0, 0);

            first.send(WinnersQuery.INSTANCE);
            List<String> documents = new ArrayList<>();
            Winners frame;
            do {
                frame = (Winners) first.receive();
                documents.addAll(frame.documents());
            } while (!frame.last());

            assertThat(documents).hasSize(Winners.MAX_PER_FRAME + 10).startsWith("10000000", "10000007");
            second.send(WinnersQuery.INSTANCE);
            assertThat(second.receive()).isEqualTo(new Winners(true, List.of()));
        }
    }

    @Test
    void aHalfClosedConnectionIsAnsweredThenClosed() throws Exception {
        try (TestClient client = agency(1)) {
            client.send(new Batch(1, Bets.range(1, 0, 2)));
            client.send(Finish.INSTANCE);
            client.shutdownOutput();

            client.expectAck(MessageType.BATCH, 1, 2);
            client.expectAck(MessageType.FINISH, 0, 2);
            assertThat(client.awaitClosed()).isTrue();
        }
    }

    /** Sends {@code bets} in batches packed to the frame limit, one at a time, checking every Ack. */
    static void sendAll(TestClient client, int agency, List<Bet> bets) throws InterruptedException {
        BatchPacker packer = new BatchPacker(65535);
        long seq = 0;
        for (Bet bet : bets) {
            if (!packer.add(bet)) {
                sendBatch(client, packer.take(++seq));
                packer.add(bet);
            }
        }
        if (!packer.isEmpty()) {
            sendBatch(client, packer.take(++seq));
        }
    }

    private static void sendBatch(TestClient client, Batch batch) throws InterruptedException {
        client.send(batch);
        LotteryMessage answer = client.receive();
        assertThat(answer).isEqualTo(new Ack(MessageType.BATCH, batch.seq(), batch.bets().size()));
    }
}
