package lottery.client.agency;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import lottery.client.ClientConfig;
import lottery.client.ClientMain;
import lottery.client.StopSignal;
import lottery.client.net.ClientTransport;
import lottery.client.testing.BetRows;
import lottery.client.testing.FakeLotteryServer;
import lottery.client.testing.ResumingAgency;
import lottery.client.testing.TestConfigs;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Bet;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.Hello;
import lottery.protocol.message.MessageType;
import lottery.testkit.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 on the client: the Hello's resume point, reconnecting after a lost connection or a retryable error, the
 * Finish count check, the single bet sent only once, the secret. Against {@link ResumingAgency}, a fake server with
 * the issue-10 semantics.
 */
@Timeout(60)
class ResumeAndReconnectTest {
    @TempDir
    Path dir;

    private ClientConfig config(int id, int port, int bets, String... overrides) throws Exception {
        Path file = Files.writeString(dir.resolve("agency-" + id + ".csv"), BetRows.csv(bets), StandardCharsets.UTF_8);
        Map<String, String> env = new HashMap<>(Map.of("CLI_DATA_FILE", file.toString(), "CLI_BATCH_MAXAMOUNT", "10",
                "CLI_RECONNECT_TIMEOUT", "10s"));
        for (int i = 0; i < overrides.length; i += 2) {
            env.put(overrides[i], overrides[i + 1]);
        }
        return TestConfigs.config(id, port, env);
    }

    private static List<String> failures(LogCapture logs) {
        return logs.lines().stream().filter(line -> line.contains("result: fail")).toList();
    }

    @Test
    void batchesTheServerAlreadyStoresAreSkipped() throws Exception {
        ResumingAgency agency = new ResumingAgency(List.of("7")).alreadyStored(2, 20);
        try (FakeLotteryServer server = FakeLotteryServer.start(agency); LogCapture logs = LogCapture.open(Level.DEBUG)) {
            assertThat(ClientMain.run(config(1, server.port(), 25), new StopSignal())).isZero();

            assertThat(server.batches()).extracting(Batch::seq).containsExactly(3L);
            assertThat(server.batches().get(0).bets()).extracting(Bet::number).containsExactly(20, 21, 22, 23, 24);
            assertThat(agency.stored()).isEqualTo(25);
            assertThat(logs.messagesStartingWith("action: resume")).containsExactly(
                    "action: resume | result: success | client_id: 1 | skipped_batches: 2 | stored: 20");
            assertThat(logs.messagesStartingWith("action: summary")).singleElement().asString()
                    .startsWith("action: summary | result: success | client_id: 1 | bets: 25 | batches: 3 |");
            assertThat(failures(logs)).isEmpty();
        }
    }

    @Test
    void aConnectionCutMidStreamIsResumedAndEveryBatchIsStoredOnce() throws Exception {
        AtomicBoolean cutOnce = new AtomicBoolean();
        // Batch 5 is stored, then the connection breaks before its Ack (and before the batches behind it are read).
        ResumingAgency agency = new ResumingAgency(List.of()).fault((ctx, message, a) -> {
            if (message instanceof Batch batch && batch.seq() == 5 && cutOnce.compareAndSet(false, true)) {
                a.storeWithoutAck(batch);
                a.cut(ctx);
                return true;
            }
            return false;
        });
        try (FakeLotteryServer server = FakeLotteryServer.start(agency); LogCapture logs = LogCapture.open(Level.DEBUG)) {
            assertThat(ClientMain.run(config(2, server.port(), 200), new StopSignal())).isZero();

            assertThat(agency.storeCounts()).containsOnlyKeys(LongStream.rangeClosed(1, 20).boxed().toList())
                    .allSatisfy((seq, count) -> assertThat(count).as("batch %d", seq).isEqualTo(1));
            assertThat(agency.stored()).isEqualTo(200);
            assertThat(agency.hellos()).isEqualTo(2);
            assertThat(logs.messagesStartingWith("action: reconnect")).satisfiesExactly(
                    line -> assertThat(line).startsWith(
                            "action: reconnect | result: in_progress | client_id: 2 | attempt: 1 | error: "),
                    line -> assertThat(line).isEqualTo(
                            "action: reconnect | result: success | client_id: 2 | resume_seq: 5"));
            assertThat(logs.messagesStartingWith("action: summary")).singleElement().asString()
                    .startsWith("action: summary | result: success | client_id: 2 | bets: 200 | batches: 20 |");
            assertThat(failures(logs)).isEmpty();
        }
    }

    @Test
    void anAgencyBusyAnswerIsRetriedUntilTheOldSessionIsGone() throws Exception {
        AtomicInteger busy = new AtomicInteger(2);
        ResumingAgency agency = new ResumingAgency(List.of("1")).fault((ctx, message, a) -> {
            if (message instanceof Hello && busy.getAndDecrement() > 0) {
                a.refuse(ctx, message, ErrorCode.AGENCY_BUSY, "agency 3 has a live session");
                return true;
            }
            return false;
        });
        try (FakeLotteryServer server = FakeLotteryServer.start(agency); LogCapture logs = LogCapture.open(Level.DEBUG)) {
            assertThat(ClientMain.run(config(3, server.port(), 15), new StopSignal())).isZero();

            assertThat(logs.messagesStartingWith("action: reconnect")).containsExactly(
                    "action: reconnect | result: in_progress | client_id: 3 | attempt: 1 | error: AGENCY_BUSY(14)"
                            + " agency 3 has a live session",
                    "action: reconnect | result: in_progress | client_id: 3 | attempt: 2 | error: AGENCY_BUSY(14)"
                            + " agency 3 has a live session",
                    "action: reconnect | result: success | client_id: 3 | resume_seq: 0");
            assertThat(agency.stored()).isEqualTo(15);
            assertThat(logs.messagesStartingWith("action: resume |")).isEmpty();
            assertThat(failures(logs)).isEmpty();
        }
    }

    @Test
    void reconnectingGivesUpAfterTheReconnectTimeoutWithOneFailLine() throws Exception {
        ResumingAgency agency = new ResumingAgency(List.of()).fault((ctx, message, a) -> {
            if (message instanceof Hello) {
                a.refuse(ctx, message, ErrorCode.SHUTTING_DOWN, "the server is stopping");
                return true;
            }
            return false;
        });
        try (FakeLotteryServer server = FakeLotteryServer.start(agency); LogCapture logs = LogCapture.open(Level.DEBUG)) {
            long start = System.nanoTime();
            assertThat(ClientMain.run(config(4, server.port(), 5, "CLI_RECONNECT_TIMEOUT", "500ms"),
                    new StopSignal())).isEqualTo(1);
            // 100 + 200 ms of backoff fit 500 ms, the next 400 ms do not: at most 2 attempts, however slow.
            assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
            int attempts = logs.messagesStartingWith("action: reconnect | result: in_progress").size();
            assertThat(attempts).isBetween(1, 2);
            assertThat(failures(logs)).singleElement().asString().isEqualTo("ERROR action: reconnect | result: fail"
                    + " | client_id: 4 | attempts: " + attempts + " | step: hello | error: no session within 500ms,"
                    + " last error: SHUTTING_DOWN(21) the server is stopping");
            assertThat(server.receivedTypes()).containsOnly(MessageType.HELLO);
        }
    }

    @Test
    void aServerThatIsGoneForGoodEndsTheRunAfterTheReconnectTimeout() throws Exception {
        // With the first batch the server stops listening and drops the connection: every attempt is refused.
        ResumingAgency agency = new ResumingAgency(List.of()).fault((ctx, message, a) -> {
            if (message instanceof Batch) {
                ctx.channel().parent().close();
                a.cut(ctx);
                return true;
            }
            return false;
        });
        try (FakeLotteryServer server = FakeLotteryServer.start(agency); LogCapture logs = LogCapture.open(Level.DEBUG)) {
            assertThat(ClientMain.run(config(5, server.port(), 5, "CLI_RECONNECT_TIMEOUT", "300ms"),
                    new StopSignal())).isEqualTo(1);

            // 100 ms of backoff fit 300 ms, 100 + 200 may not (the attempt takes time too).
            int attempts = logs.messagesStartingWith("action: reconnect | result: in_progress").size();
            assertThat(attempts).isBetween(1, 2);
            assertThat(failures(logs)).singleElement().asString().startsWith("ERROR action: reconnect | result: fail"
                    + " | client_id: 5 | attempts: " + attempts + " | step: batch_enviado | error: no session within 300ms, last"
                    + " error: cannot connect to 127.0.0.1:" + server.port());
            assertThat(server.receivedTypes()).doesNotContain(MessageType.FINISH);
        }
    }

    @Test
    void aFinishAckThatDoesNotCountEveryBetFailsTheRun() throws Exception {
        ResumingAgency agency = new ResumingAgency(List.of()).finishReportsExtra(-3);
        try (FakeLotteryServer server = FakeLotteryServer.start(agency); LogCapture logs = LogCapture.open(Level.DEBUG)) {
            assertThat(ClientMain.run(config(6, server.port(), 25), new StopSignal())).isEqualTo(1);

            assertThat(failures(logs)).containsExactly("ERROR action: finish | result: fail | client_id: 6"
                    + " | error: server stored 22 bets, the agency sent 25");
            assertThat(server.receivedTypes()).doesNotContain(MessageType.WINNERS_QUERY);
            assertThat(logs.messagesStartingWith("action: summary")).isEmpty();
        }
    }

    @Test
    void theSingleBetIsNotSentAgainWhenTheServerAlreadyStoresIt() throws Exception {
        ResumingAgency agency = new ResumingAgency(List.of()).alreadyStored(0, 1);
        try (FakeLotteryServer server = FakeLotteryServer.start(agency); LogCapture logs = LogCapture.open(Level.DEBUG)) {
            ClientConfig config = TestConfigs.config(7, server.port(), Map.of("NOMBRE", "Ana", "APELLIDO", "Lu",
                    "DOCUMENTO", "30904465", "NACIMIENTO", "1999-03-17", "NUMERO", "7574"));
            assertThat(ClientMain.run(config, new StopSignal())).isZero();

            assertThat(server.receivedTypes()).containsExactly(MessageType.HELLO, MessageType.FINISH,
                    MessageType.WINNERS_QUERY);
            assertThat(logs.messagesStartingWith("action: apuesta_enviada")).containsExactly(
                    "action: apuesta_enviada | result: success | dni: 30904465 | numero: 7574 | already_stored: true"
                            + " | stored: 1");
            assertThat(logs.messagesStartingWith("action: summary")).singleElement().asString()
                    .startsWith("action: summary | result: success | client_id: 7 | bets: 1 | batches: 0 |");
        }
    }

    @Test
    void aSingleBetStoredJustBeforeTheConnectionBrokeIsNotSentAgain() throws Exception {
        AtomicBoolean cutOnce = new AtomicBoolean();
        ResumingAgency agency = new ResumingAgency(List.of()).fault((ctx, message, a) -> {
            if (message instanceof Bet && cutOnce.compareAndSet(false, true)) {
                a.storeBetWithoutAck();
                a.cut(ctx);
                return true;
            }
            return false;
        });
        try (FakeLotteryServer server = FakeLotteryServer.start(agency); LogCapture logs = LogCapture.open(Level.DEBUG)) {
            ClientConfig config = TestConfigs.config(12, server.port(), Map.of("NOMBRE", "Ana", "APELLIDO", "Lu",
                    "DOCUMENTO", "1", "NACIMIENTO", "1999-03-17", "NUMERO", "1", "CLI_RECONNECT_TIMEOUT", "10s"));
            assertThat(ClientMain.run(config, new StopSignal())).isZero();

            assertThat(server.receivedTypes()).containsExactly(MessageType.HELLO, MessageType.BET, MessageType.HELLO,
                    MessageType.FINISH, MessageType.WINNERS_QUERY);
            assertThat(agency.stored()).isEqualTo(1);
            assertThat(logs.messagesStartingWith("action: apuesta_enviada")).singleElement().asString()
                    .isEqualTo("action: apuesta_enviada | result: success | dni: 1 | numero: 1 | already_stored: true"
                            + " | stored: 1");
            assertThat(failures(logs)).isEmpty();
        }
    }

    @Test
    void aServerThatLostAcknowledgedBatchesFailsTheRunInsteadOfResending() throws Exception {
        AtomicBoolean cutOnce = new AtomicBoolean();
        ResumingAgency agency = new ResumingAgency(List.of()).fault((ctx, message, a) -> {
            if (message instanceof Batch batch && batch.seq() == 4 && cutOnce.compareAndSet(false, true)) {
                // Batches 1-3 were acknowledged, and are gone. The client read at least the Ack of 1 (it writes
                // batch 5 only after it); the Acks of 2 and 3 may be lost with the connection (a reset drops them).
                a.rollBack(0, 0);
                a.cut(ctx);
                return true;
            }
            return false;
        });
        try (FakeLotteryServer server = FakeLotteryServer.start(agency); LogCapture logs = LogCapture.open(Level.DEBUG)) {
            assertThat(ClientMain.run(config(13, server.port(), 200), new StopSignal())).isEqualTo(1);

            assertThat(failures(logs)).singleElement().asString().matches("ERROR action: batch_enviado \\| result: fail"
                    + " \\| client_id: 13 \\| error: the server's last stored batch is 0, but it had acknowledged"
                    + " every batch up to [123] \\(were the server's files replaced\\?\\)");
            assertThat(server.receivedTypes()).doesNotContain(MessageType.FINISH);
        }
    }

    @Test
    void anAckThatDoesNotComeInTimeCountsAsALostConnection() throws Exception {
        AtomicBoolean silentOnce = new AtomicBoolean();
        // Batch 2 is stored but its Ack never comes; the others are acknowledged (Acks may come in any order), so
        // the client waits for the Ack of 2 last, times out, and finds every batch stored on the new session.
        ResumingAgency agency = new ResumingAgency(List.of()).fault((ctx, message, a) -> {
            if (message instanceof Batch batch && batch.seq() == 2 && silentOnce.compareAndSet(false, true)) {
                a.storeWithoutAck(batch);
                return true;
            }
            return false;
        });
        try (FakeLotteryServer server = FakeLotteryServer.start(agency); LogCapture logs = LogCapture.open(Level.DEBUG);
             ClientTransport transport = new ClientTransport(14, new StopSignal())) {
            StopSignal stop = new StopSignal();
            AgencyClient client = new AgencyClient(config(14, server.port(), 50), transport, stop,
                    BatchSender.DEFAULT_WINDOW, Duration.ofMillis(300));
            assertThat(client.run()).isZero();

            assertThat(agency.storeCounts()).containsOnlyKeys(1L, 2L, 3L, 4L, 5L)
                    .allSatisfy((seq, count) -> assertThat(count).isEqualTo(1));
            assertThat(logs.messagesStartingWith("action: reconnect")).containsExactly(
                    "action: reconnect | result: in_progress | client_id: 14 | attempt: 1 | error: no answer from"
                            + " the server within 300ms",
                    "action: reconnect | result: success | client_id: 14 | resume_seq: 5");
            assertThat(failures(logs)).isEmpty();
        }
    }

    @Test
    void aStopWhileReconnectingEndsTheRunWithStatusZeroAndNoFinish() throws Exception {
        StopSignal stop = new StopSignal();
        AtomicInteger hellos = new AtomicInteger();
        ResumingAgency agency = new ResumingAgency(List.of()).fault((ctx, message, a) -> {
            if (message instanceof Hello) {
                if (hellos.incrementAndGet() == 2) {
                    stop.request(); // SIGTERM while the client keeps getting AGENCY_BUSY
                }
                a.refuse(ctx, message, ErrorCode.AGENCY_BUSY, "busy");
                return true;
            }
            return false;
        });
        try (FakeLotteryServer server = FakeLotteryServer.start(agency); LogCapture logs = LogCapture.open(Level.DEBUG)) {
            long start = System.nanoTime();
            assertThat(ClientMain.run(config(15, server.port(), 5, "CLI_RECONNECT_TIMEOUT", "1h"), stop)).isZero();

            assertThat(System.nanoTime() - start).isLessThan(10_000_000_000L);
            assertThat(logs.messagesStartingWith("action: stop")).containsExactly(
                    "action: stop | result: success | client_id: 15 | step: hello");
            assertThat(server.receivedTypes()).containsOnly(MessageType.HELLO);
            assertThat(failures(logs)).isEmpty();
        }
    }

    @Test
    void theSecretGoesInTheHelloAndNeverInTheLog() throws Exception {
        String secret = "s3cr3t-Agency-8";
        ResumingAgency agency = new ResumingAgency(List.of());
        try (FakeLotteryServer server = FakeLotteryServer.start(agency); LogCapture logs = LogCapture.open(Level.TRACE)) {
            assertThat(ClientMain.run(config(8, server.port(), 3, "CLI_AUTH_SECRET", secret), new StopSignal()))
                    .isZero();

            assertThat(server.received().get(0)).isEqualTo(new Hello(Hello.CURRENT_VERSION, 8, secret));
            assertThat(logs.messagesStartingWith("action: config_details")).singleElement().asString()
                    .contains("| reconnect_timeout: 10s | secret: set");
            assertThat(logs.lines()).isNotEmpty().noneMatch(line -> line.contains(secret));
        }
    }

    @Test
    void anAuthenticationFailureEndsTheRunAtOnce() throws Exception {
        ResumingAgency agency = new ResumingAgency(List.of()).fault((ctx, message, a) -> {
            a.refuse(ctx, message, ErrorCode.AUTHENTICATION_FAILED, "wrong secret for agency 9");
            return true;
        });
        try (FakeLotteryServer server = FakeLotteryServer.start(agency); LogCapture logs = LogCapture.open(Level.DEBUG)) {
            assertThat(ClientMain.run(config(9, server.port(), 3, "CLI_AUTH_SECRET", "wrong"), new StopSignal()))
                    .isEqualTo(1);

            assertThat(failures(logs)).containsExactly("ERROR action: hello | result: fail | client_id: 9"
                    + " | code: AUTHENTICATION_FAILED(9) | reason: wrong secret for agency 9");
            assertThat(logs.messagesStartingWith("action: reconnect")).isEmpty();
            assertThat(agency.hellos()).isEqualTo(1);
        }
    }

    @Test
    void aSequenceGapEndsTheRunAtOnce() throws Exception {
        // The server says it stores batch 1 only, but refuses batch 2 as a gap: out of step, no retry.
        ResumingAgency agency = new ResumingAgency(List.of()).fault((ctx, message, a) -> {
            if (message instanceof Batch batch && batch.seq() == 2) {
                ctx.writeAndFlush(lottery.protocol.message.ErrorReply.of(ErrorCode.SEQUENCE_GAP, MessageType.BATCH, 2,
                        "batch 2 after 0"));
                return true;
            }
            return false;
        });
        try (FakeLotteryServer server = FakeLotteryServer.start(agency); LogCapture logs = LogCapture.open(Level.DEBUG)) {
            assertThat(ClientMain.run(config(10, server.port(), 25), new StopSignal())).isEqualTo(1);

            assertThat(failures(logs)).containsExactly("ERROR action: batch_enviado | result: fail | client_id: 10"
                    + " | code: SEQUENCE_GAP(15) | reason: batch 2 after 0");
            assertThat(server.receivedTypes()).doesNotContain(MessageType.FINISH);
        }
    }

    @Test
    void aConnectionLostWhileWaitingForTheWinnersSaysHelloAndFinishAgainAndAsksAgain() throws Exception {
        AtomicBoolean cutOnce = new AtomicBoolean();
        ResumingAgency agency = new ResumingAgency(List.of("111", "222")).fault((ctx, message, a) -> {
            if (message.type() == MessageType.WINNERS_QUERY && cutOnce.compareAndSet(false, true)) {
                a.cut(ctx);
                return true;
            }
            return false;
        });
        try (FakeLotteryServer server = FakeLotteryServer.start(agency); LogCapture logs = LogCapture.open(Level.DEBUG)) {
            assertThat(ClientMain.run(config(11, server.port(), 5), new StopSignal())).isZero();

            assertThat(server.receivedTypes()).containsExactly(MessageType.HELLO, MessageType.BATCH,
                    MessageType.FINISH, MessageType.WINNERS_QUERY, MessageType.HELLO, MessageType.FINISH,
                    MessageType.WINNERS_QUERY);
            assertThat(logs.messagesStartingWith("action: consulta_ganadores")).containsExactly(
                    "action: consulta_ganadores | result: success | cant_ganadores: 2");
            assertThat(logs.messagesStartingWith("action: reconnect | result: success")).containsExactly(
                    "action: reconnect | result: success | client_id: 11 | resume_seq: 1");
            assertThat(failures(logs)).isEmpty();
        }
    }
}
