package lottery.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several agencies at once, stalled and idle peers, and stopping with work in flight. */
class ConcurrencyTest {
    private static final long WAIT_SECONDS = 60;
    private static ClientLoops clients;

    @TempDir
    Path dir;

    @BeforeAll
    static void startClients() {
        clients = new ClientLoops();
    }

    @AfterAll
    static void stopClients() {
        clients.close();
    }

    private static List<StoredBet> stored(TestServer server) throws Exception {
        try (CsvBetStore store = CsvBetStore.open(server.storage(), false)) {
            return store.loadBets();
        }
    }

    /** One agency's whole run: its batches (waiting for each Ack), Finish, then the winners query. */
    private static List<String> runAgency(TestServer server, int agency, int batches, int perBatch) throws Exception {
        try (TestClient client = TestClient.agency(clients.group(), server.address(), agency)) {
            for (int b = 0; b < batches; b++) {
                client.send(new Batch(b + 1, Bets.range(agency, b * perBatch, (b + 1) * perBatch)));
                client.expectAck(MessageType.BATCH, b + 1, perBatch);
            }
            client.send(Finish.INSTANCE);
            client.expectAck(MessageType.FINISH, 0, (long) batches * perBatch);
            client.send(WinnersQuery.INSTANCE);
            Winners winners = (Winners) client.receive();
            assertThat(winners.last()).isTrue();
            return winners.documents();
        }
    }

    private static List<String> expectedWinners(int agency, int bets) {
        return Bets.range(agency, 0, bets).stream().filter(bet -> bet.number() == StoredBet.WINNING_NUMBER)
                .map(Bet::document).toList();
    }

    @Test
    void agenciesSendingInterleavedBatchesStoreEveryBetOnceWithRowsIntact() throws Exception {
        int agencies = 6;
        int batches = 40;
        int perBatch = 25;
        ExecutorService threads = Executors.newFixedThreadPool(agencies);
        try (LogCapture log = LogCapture.open(); TestServer server = TestServer.start(dir, agencies)) {
            CountDownLatch go = new CountDownLatch(1);
            Map<Integer, Future<List<String>>> runs = new HashMap<>();
            for (int agency = 1; agency <= agencies; agency++) {
                int id = agency;
                runs.put(id, threads.submit(() -> {
                    go.await();
                    return runAgency(server, id, batches, perBatch);
                }));
            }
            go.countDown();
            for (Map.Entry<Integer, Future<List<String>>> run : runs.entrySet()) {
                assertThat(run.getValue().get(WAIT_SECONDS, TimeUnit.SECONDS))
                        .isEqualTo(expectedWinners(run.getKey(), batches * perBatch));
            }

            List<StoredBet> rows = stored(server);
            List<StoredBet> expected = new ArrayList<>();
            for (int agency = 1; agency <= agencies; agency++) {
                int id = agency;
                Bets.range(id, 0, batches * perBatch).forEach(bet -> expected.add(Bets.stored(id, bet)));
                // One agency's rows keep their order: it waits for each Ack before the next batch.
                assertThat(rows.stream().filter(row -> row.agency() == id).toList())
                        .containsExactlyElementsOf(expected.subList(expected.size() - batches * perBatch,
                                expected.size()));
            }
            assertThat(rows).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(log.count("action: apuesta_recibida | result: success | cantidad: " + perBatch))
                    .isEqualTo((long) agencies * batches);
            assertThat(log.count("action: sorteo | result: success")).isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aClientPipeliningBatchesGetsEveryAckInOrder() throws Exception {
        int batches = ReadThrottle.HIGH_WATER * 10;
        try (TestServer server = TestServer.start(dir, 1);
             TestClient client = TestClient.agency(clients.group(), server.address(), 1)) {
            // All sent at once, before any Ack is read: the server stops and resumes reading as the lottery thread
            // catches up.
            List<Batch> all = new ArrayList<>();
            for (int b = 0; b < batches; b++) {
                all.add(new Batch(b + 1, Bets.range(1, b * 60, b * 60 + 60)));
            }
            client.sendAll(all);
            for (int b = 0; b < batches; b++) {
                client.expectAck(MessageType.BATCH, b + 1, 60);
            }
            client.send(Finish.INSTANCE);
            client.expectAck(MessageType.FINISH, 0, batches * 60L);

            List<StoredBet> expected = Bets.range(1, 0, batches * 60).stream().map(bet -> Bets.stored(1, bet))
                    .toList();
            assertThat(stored(server)).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void racingFinishesOverTheNetworkDrawOnceAndAnswerEveryone() throws Exception {
        int agencies = 10;
        ExecutorService threads = Executors.newFixedThreadPool(agencies);
        try (LogCapture log = LogCapture.open(); TestServer server = TestServer.start(dir, agencies)) {
            List<TestClient> connected = new ArrayList<>();
            for (int agency = 1; agency <= agencies; agency++) {
                TestClient client = TestClient.agency(clients.group(), server.address(), agency);
                connected.add(client);
                client.send(new Batch(1, Bets.range(agency, 0, 8)));
                client.expectAck(MessageType.BATCH, 1, 8);
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<String>>> answers = new ArrayList<>();
            for (TestClient client : connected) {
                answers.add(threads.submit(() -> {
                    go.await();
                    client.send(Finish.INSTANCE);
                    client.send(WinnersQuery.INSTANCE);
                    client.expectAck(MessageType.FINISH, 0, 8);
                    return ((Winners) client.receive()).documents();
                }));
            }
            go.countDown();
            for (int i = 0; i < agencies; i++) {
                assertThat(answers.get(i).get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(expectedWinners(i + 1, 8));
            }
            connected.forEach(TestClient::close);
            assertThat(log.count("action: sorteo | result: success")).isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void stalledAndTricklingClientsDoNotDelayTheOthers() throws Exception {
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        try (TestServer server = TestServer.start(dir, 2);
             Socket silent = new Socket(server.address().getAddress(), server.address().getPort());
             Socket halfFrame = new Socket(server.address().getAddress(), server.address().getPort());
             Socket halfLine = new Socket(server.address().getAddress(), server.address().getPort());
             Socket trickler = new Socket(server.address().getAddress(), server.address().getPort())) {
            halfFrame.getOutputStream().write(new byte[] {0, 0, 0, 40, 3});
            halfLine.getOutputStream().write("no line end yet".getBytes(StandardCharsets.UTF_8));
            // The trickler sends its Hello one byte every 100 ms and is answered once it is complete.
            byte[] hello = Frames.of(Hello.of(1));
            AtomicInteger next = new AtomicInteger();
            OutputStream trickle = trickler.getOutputStream();
            ScheduledFuture<?> trickling = pacer.scheduleAtFixedRate(() -> {
                int i = next.getAndIncrement();
                if (i < hello.length) {
                    try {
                        trickle.write(hello[i]);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }, 0, 100, TimeUnit.MILLISECONDS);

            CompletableFuture<List<String>> second = CompletableFuture.supplyAsync(() -> call(server, 2));
            // Agency 2's whole run finishes while agency 1 has not even completed its Hello: nobody waits on it.
            assertThat(second.get(WAIT_SECONDS, TimeUnit.SECONDS)).isNull();
            assertThat(next.get()).isLessThan(hello.length);

            InputStream answers = trickler.getInputStream();
            byte[] ack = Frames.of(new Ack(MessageType.HELLO, 0, 0));
            assertThat(answers.readNBytes(ack.length)).isEqualTo(ack);
            trickling.cancel(false);
            assertThat(silent.isClosed()).isFalse();
        } finally {
            pacer.shutdownNow();
        }
    }

    /** Agency {@code agency} stores a batch and finishes; {@code null} when all went well (for supplyAsync). */
    private static List<String> call(TestServer server, int agency) {
        try (TestClient client = TestClient.agency(clients.group(), server.address(), agency)) {
            client.send(new Batch(1, Bets.range(agency, 0, 50)));
            client.expectAck(MessageType.BATCH, 1, 50);
            client.send(Finish.INSTANCE);
            client.expectAck(MessageType.FINISH, 0, 50);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void idleConnectionsTimeOutButAHeldQueryDoesNot() throws Exception {
        try (LogCapture log = LogCapture.open(); TestServer server = TestServer.start(dir, 2, 1);
             TestClient waiting = TestClient.agency(clients.group(), server.address(), 1);
             Socket silent = new Socket(server.address().getAddress(), server.address().getPort())) {
            // One write: the server reads the query in the same turn of its event loop as the Finish, so the query
            // has arrived (and is held) once the Finish is answered.
            waiting.sendAll(List.of(Finish.INSTANCE, WinnersQuery.INSTANCE));
            waiting.expectAck(MessageType.FINISH, 0, 0);

            // Two idle periods pass while the query is held, each shown by a connection that started after it and
            // has timed out: agency 2's first connection went idle after the query arrived, its second after that.
            for (int period = 1; period <= 2; period++) {
                try (TestClient idle = TestClient.agency(clients.group(), server.address(), 2)) {
                    idle.expectError(ErrorCode.IDLE_TIMEOUT);
                    assertThat(idle.awaitClosed()).as("idle period %d", period).isTrue();
                }
            }
            silent.setSoTimeout((int) TestClient.TIMEOUT.toMillis());
            assertThat(silent.getInputStream().read()).as("a silent connection is closed").isEqualTo(-1);

            // The held query was not timed out: its connection is open, and the first thing it receives is the
            // winners, which exist only after agency 2's Finish (an IDLE_TIMEOUT would have come first).
            assertThat(waiting.isOpen()).isTrue();
            try (TestClient last = TestClient.agency(clients.group(), server.address(), 2)) {
                // Agency 2's Finish: the draw runs and the held query is answered.
                last.send(Finish.INSTANCE);
                last.expectAck(MessageType.FINISH, 0, 0);
            }
            assertThat(waiting.receive()).isEqualTo(new Winners(true, List.of()));
            assertThat(log.messages()).anyMatch(line -> line.startsWith(
                    "action: close_connection | result: success | ip: 127.0.0.1 | code: IDLE_TIMEOUT"));
        }
    }

    @Test
    void stoppingAnswersHeldQueriesClosesEverythingAndLogsEachResource() throws Exception {
        try (LogCapture log = LogCapture.open()) {
            TestServer server = TestServer.start(dir, 2);
            TestClient waiting = TestClient.agency(clients.group(), server.address(), 1);
            // One write: the server reads the query in the same turn of its event loop as the Finish, so it has
            // handed the query over before it can answer the Finish, and the query is held before the stop begins.
            // Sent one by one, the stop could overtake a query the server had not read yet, leaving it unanswered.
            waiting.sendAll(List.of(new Batch(1, Bets.range(1, 0, 10)), Finish.INSTANCE, WinnersQuery.INSTANCE));
            waiting.expectAck(MessageType.BATCH, 1, 10);
            waiting.expectAck(MessageType.FINISH, 0, 10);

            server.close();
            server.close();

            LotteryMessage answer = waiting.receive();
            assertThat(answer).isInstanceOf(ErrorReply.class);
            assertThat(((ErrorReply) answer).code()).isEqualTo(ErrorCode.SHUTTING_DOWN);
            assertThat(waiting.awaitClosed()).isTrue();
            assertThat(stored(server)).hasSize(10);
            assertThat(log.messages()).containsSubsequence(
                    "action: shutdown | result: success | resource: server_socket",
                    "action: shutdown | result: success | resource: client_connections",
                    "action: shutdown | result: success | resource: lottery_executor",
                    "action: shutdown | result: success | resource: event_loops",
                    "action: shutdown | result: success | resource: bet_store");
            assertThat(log.count("action: shutdown | result: success | resource: bet_store")).isEqualTo(1);
            waiting.close();
        }
    }
}
