package lottery.client.agency;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.netty.channel.ChannelFutureListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import lottery.client.ClientConfig;
import lottery.client.ClientMain;
import lottery.client.StopSignal;
import lottery.client.testing.BetRows;
import lottery.client.testing.FakeLotteryServer;
import lottery.client.testing.TestConfigs;
import lottery.protocol.message.Ack;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Bet;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.ErrorReply;
import lottery.protocol.message.Finish;
import lottery.protocol.message.Hello;
import lottery.protocol.message.MessageType;
import lottery.protocol.message.WinnersQuery;
import lottery.testkit.FreePort;
import lottery.testkit.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One agency's run in-process against a scripted fake server: what reaches the server, what the client logs. */
class AgencyClientTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private static ClientConfig fileConfig(int id, int port, Path file, String... overrides) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("CLI_DATA_FILE", file.toString()));
        for (int i = 0; i < overrides.length; i += 2) {
            env.put(overrides[i], overrides[i + 1]);
        }
        return TestConfigs.config(id, port, env);
    }

    private Path csv(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    @Test
    void sendsTheSingleBetOfTheEnvironmentThenFinishesAndAsksForTheWinners() throws Exception {
        try (FakeLotteryServer server = FakeLotteryServer.start(); LogCapture logs = LogCapture.open(Level.DEBUG)) {
            server.winners(List.of("30904465"));
            ClientConfig config = TestConfigs.config(1, server.port(), Map.of("NOMBRE", "Santiago Lionel",
                    "APELLIDO", "Lorca", "DOCUMENTO", "30904465", "NACIMIENTO", "1999-03-17", "NUMERO", "7574"));

            assertThat(ClientMain.run(config, new StopSignal())).isZero();

            assertThat(server.received()).containsExactly(Hello.of(1),
                    new Bet("Santiago Lionel", "Lorca", "30904465", LocalDate.of(1999, 3, 17), 7574),
                    Finish.INSTANCE, WinnersQuery.INSTANCE);
            assertThat(logs.lines()).filteredOn(line -> line.startsWith("INFO")).satisfiesExactly(
                    line -> assertThat(line).startsWith("INFO action: config | result: success | client_id: 1 | "),
                    line -> assertThat(line).isEqualTo(
                            "INFO action: apuesta_enviada | result: success | dni: 30904465 | numero: 7574"),
                    line -> assertThat(line).isEqualTo(
                            "INFO action: consulta_ganadores | result: success | cant_ganadores: 1"),
                    line -> assertThat(line).matches("INFO action: summary \\| result: success \\| client_id: 1"
                            + " \\| bets: 1 \\| batches: 0 \\| invalid_lines: 0 \\| winners: 1 \\| elapsed: [0-9.]+m?s"),
                    line -> assertThat(line).isEqualTo(
                            "INFO action: shutdown | result: success | resource: connection"),
                    line -> assertThat(line).isEqualTo(
                            "INFO action: shutdown | result: success | resource: event_loop_group"));
        }
    }

    @Test
    void quotedNamesAreSentIntactAndInvalidLinesAreReportedCountedAndSkipped() throws Exception {
        Path file = csv("agency-3.csv", String.join("\r\n",
                "\"Pérez, Juan\",\"O'Brien \"\"el Toro\"\"\",12345678,1980-01-31,42",
                "Ana,Saldaña,1,1999-02-30,1", // line 2: no such date
                "Nicolás,Müller,23456789,2001-12-01,9999",
                "Solo,Dos",                   // line 4: two columns
                "Eva,Lu,3456,1970-06-15,10000", // line 5: number out of range
                "",
                ",Vacío,4,1970-06-15,1",      // line 7: empty first name
                "Émile,Zoë,000123,1950-07-04,0") + "\r\n");
        try (FakeLotteryServer server = FakeLotteryServer.start(); LogCapture logs = LogCapture.open(Level.DEBUG)) {
            assertThat(ClientMain.run(fileConfig(3, server.port(), file), new StopSignal()))
                    .isEqualTo(AgencyClient.EXIT_INVALID_LINES);

            assertThat(server.bets()).containsExactly(
                    new Bet("Pérez, Juan", "O'Brien \"el Toro\"", "12345678", LocalDate.of(1980, 1, 31), 42),
                    new Bet("Nicolás", "Müller", "23456789", LocalDate.of(2001, 12, 1), 9999),
                    new Bet("Émile", "Zoë", "000123", LocalDate.of(1950, 7, 4), 0));
            assertThat(logs.lines()).filteredOn(line -> line.startsWith("WARN")).containsExactly(
                    "WARN action: read_bet | result: fail | client_id: 3 | line: 2 | reason: birthdate '1999-02-30'"
                            + " is not a date YYYY-MM-DD",
                    "WARN action: read_bet | result: fail | client_id: 3 | line: 4 | reason: 5 columns expected,"
                            + " found 2",
                    "WARN action: read_bet | result: fail | client_id: 3 | line: 5 | reason: number 10000 is not in"
                            + " 0..9999",
                    "WARN action: read_bet | result: fail | client_id: 3 | line: 7 | reason: first name is empty");
            // Invalid lines fail the summary (exit status 3): the lottery ran without them.
            assertThat(logs.messagesStartingWith("action: summary")).singleElement().asString()
                    .startsWith("action: summary | result: fail | client_id: 3 |")
                    .contains("| bets: 3 | batches: 1 | invalid_lines: 4 | winners: 0 |");
            assertThat(logs.messagesStartingWith("action: shutdown")).containsExactly(
                    "action: shutdown | result: success | resource: connection",
                    "action: shutdown | result: success | resource: bets_file",
                    "action: shutdown | result: success | resource: event_loop_group");
        }
    }

    @Test
    void batchesHoldAtMostMaxAmountBetsAndComeInSequence() throws Exception {
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 21; i++) {
            rows.append("A,B,").append(String.format("%08d", i)).append(",2000-01-01,").append(i).append('\n');
        }
        Path file = csv("agency-1.csv", rows.toString());
        try (FakeLotteryServer server = FakeLotteryServer.start(); LogCapture logs = LogCapture.open(Level.DEBUG)) {
            assertThat(ClientMain.run(fileConfig(1, server.port(), file, "CLI_BATCH_MAXAMOUNT", "10"),
                    new StopSignal())).isZero();

            assertThat(server.batches()).extracting(b -> b.bets().size()).containsExactly(10, 10, 1);
            assertThat(server.batches()).extracting(Batch::seq).containsExactly(1L, 2L, 3L);
            assertThat(server.bets()).extracting(Bet::number).containsExactlyElementsOf(
                    IntStream.range(0, 21).boxed().toList());
            assertThat(server.receivedTypes()).endsWith(MessageType.FINISH, MessageType.WINNERS_QUERY);
            assertThat(logs.messagesStartingWith("action: batch_enviado | result: success")).containsExactly(
                    "action: batch_enviado | result: success | client_id: 1 | seq: 1 | cantidad: 10",
                    "action: batch_enviado | result: success | client_id: 1 | seq: 2 | cantidad: 10",
                    "action: batch_enviado | result: success | client_id: 1 | seq: 3 | cantidad: 1");
            assertThat(logs.messagesStartingWith("action: progress")).last().asString()
                    .isEqualTo("action: progress | result: in_progress | client_id: 1 | percent: 100 | bets: 21");
        }
    }

    @Test
    void framesStayWithin8192BytesWhateverMaxAmountSays() throws Exception {
        String longName = "Ñ".repeat(127); // 254 bytes of UTF-8
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            rows.append(longName).append(',').append(longName).append(',')
                    .append("9".repeat(20)).append(",1999-12-31,").append(i).append('\n');
        }
        Path file = csv("agency-2.csv", rows.toString());
        try (FakeLotteryServer server = FakeLotteryServer.start()) {
            assertThat(ClientMain.run(fileConfig(2, server.port(), file, "CLI_BATCH_MAXAMOUNT", "65535"),
                    new StopSignal())).isZero();

            assertThat(server.errors()).isEmpty();
            assertThat(server.bets()).hasSize(100);
            assertThat(server.frameSizes()).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(8192));
            // 537 bytes a bet: 15 fit the 8181 bytes a frame has for bets.
            assertThat(server.batches()).extracting(b -> b.bets().size()).startsWith(15, 15);
        }
    }

    @Test
    void keepsUpToFourBatchesInFlightAndAcceptsAcksInAnyOrder() throws Exception {
        Path file = csv("agency-4.csv", BetRows.csv(80));
        List<Batch> held = new ArrayList<>();
        // Answers batches only once four wait, newest first: a stop-and-wait client would hang here.
        FakeLotteryServer.Script script = (ctx, message, server) -> {
            if (message instanceof Batch batch) {
                held.add(0, batch);
                if (held.size() == 4) {
                    held.forEach(b -> ctx.writeAndFlush(new Ack(MessageType.BATCH, b.seq(), b.bets().size())));
                    held.clear();
                }
            } else {
                FakeLotteryServer.answer(ctx, message, server);
            }
        };
        try (FakeLotteryServer server = FakeLotteryServer.start(script); LogCapture logs = LogCapture.open(Level.DEBUG)) {
            assertThat(ClientMain.run(fileConfig(4, server.port(), file, "CLI_BATCH_MAXAMOUNT", "10"),
                    new StopSignal())).isZero();

            assertThat(server.bets()).hasSize(80);
            assertThat(logs.messagesStartingWith("action: batch_enviado | result: success"))
                    .extracting(line -> line.replaceAll(".*seq: (\\d+).*", "$1"))
                    .containsExactly("4", "3", "2", "1", "8", "7", "6", "5");
        }
    }

    @Test
    void theWinnersMayComeInSeveralFrames() throws Exception {
        Path file = csv("agency-5.csv", "A,B,1,2000-01-01,7574\n");
        List<String> winners = IntStream.range(0, 1000).mapToObj(i -> Integer.toString(10_000_000 + i)).toList();
        try (FakeLotteryServer server = FakeLotteryServer.start(); LogCapture logs = LogCapture.open(Level.DEBUG)) {
            server.winners(winners);
            assertThat(ClientMain.run(fileConfig(5, server.port(), file), new StopSignal())).isZero();
            assertThat(logs.messagesStartingWith("action: consulta_ganadores")).containsExactly(
                    "action: consulta_ganadores | result: success | cant_ganadores: 1000");
        }
    }

    @Test
    void waitsForAServerThatStartsLate() throws Exception {
        int port = FreePort.pick();
        Path file = csv("agency-1.csv", "A,B,1,2000-01-01,1\nC,D,2,2000-01-02,2\n");
        ClientConfig config = fileConfig(1, port, file, "CLI_CONNECT_TIMEOUT", "20s");
        try (LogCapture logs = LogCapture.open(Level.DEBUG)) {
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> ClientMain.run(config,
                    new StopSignal()));
            // The server comes up only after the client has seen a refused connection.
            logs.await(line -> line.startsWith("DEBUG action: connect | result: in_progress | client_id: 1 | attempt: 1"),
                    WAIT);
            try (FakeLotteryServer server = FakeLotteryServer.start(port, FakeLotteryServer::answer)) {
                assertThat(run.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
                assertThat(server.bets()).hasSize(2);
            }
        }
    }

    @Test
    void aServerErrorIsLoggedWithItsCodeAndFailsTheRun() throws Exception {
        Path file = csv("agency-9.csv", "A,B,1,2000-01-01,1\n");
        FakeLotteryServer.Script refuseAgency = (ctx, message, server) -> ctx.writeAndFlush(ErrorReply.of(
                ErrorCode.UNKNOWN_AGENCY, MessageType.HELLO, 0, "agency 9 is not one of the 5 agencies"))
                .addListener(ChannelFutureListener.CLOSE);
        try (FakeLotteryServer server = FakeLotteryServer.start(refuseAgency); LogCapture logs = LogCapture.open(Level.DEBUG)) {
            assertThat(ClientMain.run(fileConfig(9, server.port(), file), new StopSignal())).isEqualTo(1);
            assertThat(logs.lines()).contains("ERROR action: hello | result: fail | client_id: 9 | code: UNKNOWN_AGENCY(7)"
                    + " | reason: agency 9 is not one of the 5 agencies");
            assertThat(logs.messagesStartingWith("action: summary")).isEmpty();
        }
    }

    @Test
    void aRefusedBatchFailsTheRunWithoutFinishing() throws Exception {
        Path file = csv("agency-2.csv", "A,B,1,2000-01-01,1\n");
        FakeLotteryServer.Script failStorage = (ctx, message, server) -> {
            if (message instanceof Batch batch) {
                ctx.writeAndFlush(ErrorReply.of(ErrorCode.STORAGE_FAILURE, MessageType.BATCH, batch.seq(),
                        "disk full"));
            } else {
                FakeLotteryServer.answer(ctx, message, server);
            }
        };
        try (FakeLotteryServer server = FakeLotteryServer.start(failStorage); LogCapture logs = LogCapture.open(Level.DEBUG)) {
            assertThat(ClientMain.run(fileConfig(2, server.port(), file), new StopSignal())).isEqualTo(1);
            assertThat(logs.lines()).contains("ERROR action: batch_enviado | result: fail | client_id: 2"
                    + " | code: STORAGE_FAILURE(20) | reason: disk full");
            assertThat(server.receivedTypes()).doesNotContain(MessageType.FINISH);
        }
    }

    @Test
    void anAckForABatchNotInFlightFailsTheRun() throws Exception {
        Path file = csv("agency-2.csv", "A,B,1,2000-01-01,1\n");
        FakeLotteryServer.Script wrongSeq = (ctx, message, server) -> {
            if (message instanceof Batch batch) {
                ctx.writeAndFlush(new Ack(MessageType.BATCH, batch.seq() + 100, batch.bets().size()));
            } else {
                FakeLotteryServer.answer(ctx, message, server);
            }
        };
        try (FakeLotteryServer server = FakeLotteryServer.start(wrongSeq); LogCapture logs = LogCapture.open(Level.DEBUG)) {
            assertThat(ClientMain.run(fileConfig(2, server.port(), file), new StopSignal())).isEqualTo(1);
            assertThat(logs.lines()).contains("ERROR action: batch_enviado | result: fail | client_id: 2"
                    + " | error: the server acknowledged batch 101, which is not in flight");
        }
    }

    @Test
    void noWinnersWithinTheTimeoutIsAClearFailure() throws Exception {
        Path file = csv("agency-3.csv", "A,B,1,2000-01-01,1\n");
        FakeLotteryServer.Script neverDraw = (ctx, message, server) -> {
            if (message.type() != MessageType.WINNERS_QUERY) {
                FakeLotteryServer.answer(ctx, message, server);
            }
        };
        try (FakeLotteryServer server = FakeLotteryServer.start(neverDraw); LogCapture logs = LogCapture.open(Level.DEBUG)) {
            ClientConfig config = fileConfig(3, server.port(), file, "CLI_WINNERS_TIMEOUT", "200ms");
            assertThat(ClientMain.run(config, new StopSignal())).isEqualTo(1);
            assertThat(logs.lines()).contains("ERROR action: consulta_ganadores | result: fail | client_id: 3"
                    + " | error: no winners list within 200ms (the server draws once every agency has sent Finish)");
        }
    }

    @Test
    void aStopWhileWaitingForTheWinnersEndsTheRunWithStatusZero() throws Exception {
        Path file = csv("agency-3.csv", "A,B,1,2000-01-01,1\n");
        StopSignal stop = new StopSignal();
        FakeLotteryServer.Script stopOnQuery = (ctx, message, server) -> {
            if (message.type() == MessageType.WINNERS_QUERY) {
                stop.request(); // the draw never comes; SIGTERM does
            } else {
                FakeLotteryServer.answer(ctx, message, server);
            }
        };
        try (FakeLotteryServer server = FakeLotteryServer.start(stopOnQuery); LogCapture logs = LogCapture.open(Level.DEBUG)) {
            ClientConfig config = fileConfig(3, server.port(), file, "CLI_WINNERS_TIMEOUT", "1h");
            assertThat(ClientMain.run(config, stop)).isZero();
            assertThat(logs.messagesStartingWith("action: stop")).containsExactly(
                    "action: stop | result: success | client_id: 3 | step: consulta_ganadores");
            assertThat(logs.messagesStartingWith("action: shutdown")).containsExactly(
                    "action: shutdown | result: success | resource: connection",
                    "action: shutdown | result: success | resource: bets_file",
                    "action: shutdown | result: success | resource: event_loop_group");
        }
    }

    @Test
    void aStopWhileSendingFinishesTheBatchesInFlightAndSendsNoFinish() throws Exception {
        Path file = csv("agency-1.csv", BetRows.csv(200));
        StopSignal stop = new StopSignal();
        FakeLotteryServer.Script stopOnSecondBatch = (ctx, message, server) -> {
            if (message instanceof Batch batch && batch.seq() == 2) {
                stop.request();
            }
            FakeLotteryServer.answer(ctx, message, server);
        };
        try (FakeLotteryServer server = FakeLotteryServer.start(stopOnSecondBatch);
             LogCapture logs = LogCapture.open(Level.DEBUG)) {
            assertThat(ClientMain.run(fileConfig(1, server.port(), file, "CLI_BATCH_MAXAMOUNT", "10"), stop))
                    .isZero();

            assertThat(server.receivedTypes()).doesNotContain(MessageType.FINISH, MessageType.WINNERS_QUERY);
            int sent = server.batches().size();
            assertThat(sent).isBetween(2, 2 + 4);
            assertThat(logs.messagesStartingWith("action: batch_enviado | result: success")).hasSize(sent);
            assertThat(logs.messagesStartingWith("action: stop")).containsExactly(
                    "action: stop | result: success | client_id: 1 | step: batch_enviado");
        }
    }

    @Test
    void aStopWithAcksWithheldEndsWithinTheStopGraceAfterTheAcksThatComeWithStatusZero() throws Exception {
        Path file = csv("agency-1.csv", BetRows.csv(200));
        StopSignal stop = new StopSignal();
        // Batch 1 is acknowledged at once, batch 2 late (after the stop), the rest never: several drain waits
        // follow the stop, and all of them together must end within the stop grace, not 30 s each.
        FakeLotteryServer.Script slowThenSilent = (ctx, message, server) -> {
            if (!(message instanceof Batch batch)) {
                FakeLotteryServer.answer(ctx, message, server);
            } else if (batch.seq() == 1) {
                FakeLotteryServer.answer(ctx, message, server);
            } else if (batch.seq() == 2) {
                ctx.executor().schedule(() -> FakeLotteryServer.answer(ctx, message, server), 300,
                        TimeUnit.MILLISECONDS);
            } else if (batch.seq() == 3) {
                stop.request();
            }
        };
        try (FakeLotteryServer server = FakeLotteryServer.start(slowThenSilent);
             LogCapture logs = LogCapture.open(Level.DEBUG)) {
            ClientConfig config = fileConfig(1, server.port(), file, "CLI_BATCH_MAXAMOUNT", "10");
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> ClientMain.run(config, stop));

            assertThat(run.get(StopSignal.STOP_GRACE.toSeconds() + 5, TimeUnit.SECONDS)).isZero();
            assertThat(logs.messagesStartingWith("action: batch_enviado | result: success")).containsExactly(
                    "action: batch_enviado | result: success | client_id: 1 | seq: 1 | cantidad: 10",
                    "action: batch_enviado | result: success | client_id: 1 | seq: 2 | cantidad: 10");
            assertThat(logs.messagesStartingWith("action: stop")).containsExactly(
                    "action: stop | result: success | client_id: 1 | step: batch_enviado");
            assertThat(logs.lines()).noneMatch(line -> line.contains("result: fail"));
            assertThat(server.receivedTypes()).doesNotContain(MessageType.FINISH, MessageType.WINNERS_QUERY);
        }
    }

    @Test
    void anUnreadableFileFailsTheRunWithItsLine() throws Exception {
        Path file = dir.resolve("agency-8.csv");
        Files.write(file, new byte[] {'A', ',', 'B', ',', '1', ',', '2', '0', '0', '0', '-', '0', '1', '-', '0', '1',
            ',', '1', '\n', 'C', (byte) 0xC3, (byte) 0x28, ',', 'D', '\n'});
        try (FakeLotteryServer server = FakeLotteryServer.start(); LogCapture logs = LogCapture.open(Level.DEBUG)) {
            assertThat(ClientMain.run(fileConfig(8, server.port(), file), new StopSignal())).isEqualTo(1);
            assertThat(logs.messagesStartingWith("action: read_bets | result: fail")).singleElement().asString()
                    .startsWith("action: read_bets | result: fail | client_id: 8 | error: " + file + " near line ")
                    .endsWith("not UTF-8 text");
            assertThat(server.receivedTypes()).doesNotContain(MessageType.FINISH);
        }
    }
}
