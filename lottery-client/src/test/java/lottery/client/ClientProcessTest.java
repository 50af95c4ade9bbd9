package lottery.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import lottery.client.testing.BetRows;
import lottery.client.testing.ClientProcess;
import lottery.client.testing.FakeEchoServer;
import lottery.client.testing.FakeLotteryServer;
import lottery.protocol.message.Batch;
import lottery.protocol.message.MessageType;
import lottery.testkit.FreePort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code main} in a child JVM: SIGTERM exits 0 after logging every resource closed; failures keep 1 and 2. */
class ClientProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** A crash must end the process at once, well before the 9 s a SIGTERM may take. */
    private static final Duration CRASH_EXIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void sigtermDuringTheEchoLoopExitsZeroAfterClosingEverything() throws Exception {
        try (FakeEchoServer server = FakeEchoServer.start();
             ClientProcess client = ClientProcess.start(dir, Map.of("CLI_ID", "7", "CLI_MODE", "echo",
                     "CLI_SERVER_ADDRESS", "127.0.0.1:" + server.port(), "CLI_LOOP_AMOUNT", "1000",
                     "CLI_LOOP_PERIOD", "1h", "CLI_LOG_LEVEL", "INFO"))) {
            client.await(line -> line.startsWith("action: receive_message"), WAIT);
            client.terminate();

            assertThat(client.waitFor(WAIT)).isZero();
            assertThat(client.messages()).containsExactly(
                    "action: config | result: success | client_id: 7 | server_address: 127.0.0.1:" + server.port()
                            + " | loop_amount: 1000 | loop_period: 1h0m0s | log_level: INFO",
                    "action: receive_message | result: success | client_id: 7 | msg: [CLIENT 7] Message N°1",
                    "action: receive_signal | result: success | client_id: 7 | signal: SIGTERM",
                    "action: shutdown | result: success | resource: event_loop_group",
                    "action: exit | result: success | client_id: 7");
            assertThat(server.lines()).containsExactly("[CLIENT 7] Message N°1");
        }
    }

    @Test
    void sigtermWhileWaitingForTheWinnersExitsZero() throws Exception {
        Path bets = Files.writeString(dir.resolve("agency-2.csv"), "Ana,Pérez,1,2000-01-01,7574\n");
        FakeLotteryServer.Script neverDraw = (ctx, message, server) -> {
            if (message.type() != MessageType.WINNERS_QUERY) {
                FakeLotteryServer.answer(ctx, message, server);
            }
        };
        Files.writeString(dir.resolve("config.yaml"), """
                server:
                  address: "127.0.0.1:%d"
                loop:
                  amount: 1
                  period: "1s"
                log:
                  level: "DEBUG"
                data:
                  file: "%s"
                """.formatted(0, dir.resolve("agency-{id}.csv")));
        try (FakeLotteryServer server = FakeLotteryServer.start(neverDraw);
             ClientProcess client = ClientProcess.start(dir, Map.of("CLI_ID", "2",
                     "CLI_SERVER_ADDRESS", "127.0.0.1:" + server.port()))) {
            client.await(line -> line.startsWith("action: finish | result: success"), WAIT);
            client.terminate();

            assertThat(client.waitFor(WAIT)).isZero();
            assertThat(client.messages()).endsWith(
                    "action: receive_signal | result: success | client_id: 2 | signal: SIGTERM",
                    "action: stop | result: success | client_id: 2 | step: consulta_ganadores",
                    "action: shutdown | result: success | resource: connection",
                    "action: shutdown | result: success | resource: bets_file",
                    "action: shutdown | result: success | resource: event_loop_group",
                    "action: exit | result: success | client_id: 2");
            assertThat(server.bets()).hasSize(1);
            assertThat(bets).exists();
        }
    }

    @Test
    void aFailedRunKeepsStatusOne() throws Exception {
        int port = FreePort.pick();
        try (ClientProcess client = ClientProcess.start(dir, Map.of("CLI_ID", "1", "CLI_MODE", "echo",
                "CLI_SERVER_ADDRESS", "127.0.0.1:" + port, "CLI_LOOP_AMOUNT", "1", "CLI_LOOP_PERIOD", "1s",
                "CLI_LOG_LEVEL", "INFO", "CLI_CONNECT_TIMEOUT", "0s"))) {
            assertThat(client.waitFor(WAIT)).isEqualTo(1);
            assertThat(client.messages()).noneMatch(line -> line.contains("receive_signal"))
                    .anyMatch(line -> line.startsWith("action: connect | result: fail | client_id: 1 | error: "));
        }
    }

    @Test
    void aBadConfigExitsTwoWithOneLine() throws Exception {
        try (ClientProcess client = ClientProcess.start(dir, Map.of("CLI_ID", "1", "CLI_MODE", "echo"))) {
            assertThat(client.waitFor(WAIT)).isEqualTo(2);
            assertThat(client.messages()).containsExactly("action: config | result: fail | error: missing key"
                    + " server.address: set it in config.yaml (no such file) or in the environment variable"
                    + " CLI_SERVER_ADDRESS");
        }
    }

    @Test
    void aCrashDuringTheRunIsOneFailLineAndStatusOneAtOnceNotASignal() throws Exception {
        // Without Netty on the class path the run dies with a NoClassDefFoundError, an Error, not an Exception.
        try (FakeEchoServer server = FakeEchoServer.start();
             ClientProcess client = ClientProcess.startWithout("netty", dir, Map.of("CLI_ID", "7", "CLI_MODE", "echo",
                     "CLI_SERVER_ADDRESS", "127.0.0.1:" + server.port(), "CLI_LOOP_AMOUNT", "1",
                     "CLI_LOOP_PERIOD", "1s", "CLI_LOG_LEVEL", "INFO"))) {
            client.await(line -> line.startsWith("action: config | result: success"), WAIT);

            assertThat(client.waitFor(CRASH_EXIT)).isEqualTo(1);
            assertThat(client.messages()).hasSize(2).last().asString()
                    .startsWith("action: run | result: fail | client_id: 7 | error: java.lang.NoClassDefFoundError: ")
                    .contains("netty");
        }
    }

    @Test
    void theStackTraceOfACrashIsLoggedAtDebugOnlyAfterTheFailLine() throws Exception {
        try (ClientProcess client = ClientProcess.startWithout("netty", dir, Map.of("CLI_ID", "7",
                "CLI_MODE", "echo", "CLI_SERVER_ADDRESS", "127.0.0.1:1", "CLI_LOOP_AMOUNT", "1",
                "CLI_LOOP_PERIOD", "1s", "CLI_LOG_LEVEL", "DEBUG"))) {
            assertThat(client.waitFor(WAIT)).isEqualTo(1);
            List<String> lines = client.messages();
            int failLine = lines.indexOf(lines.stream().filter(line -> line.startsWith("action: run | result: fail"))
                    .findFirst().orElseThrow());
            assertThat(lines.subList(0, failLine)).allMatch(line -> line.startsWith("action: config"));
            assertThat(lines.get(failLine + 1))
                    .isEqualTo("action: run | result: fail | client_id: 7 | stack_trace: follows");
            assertThat(lines.size()).isGreaterThan(failLine + 2); // the trace itself
            assertThat(lines).noneMatch(line -> line.contains("receive_signal"));
        }
    }

    @Test
    void aCrashBeforeTheConfigIsReadIsOneFailLineAndStatusOne() throws Exception {
        // A config file to read, so the YAML parser is needed whenever the JVM loads classes.
        Files.writeString(dir.resolve("config.yaml"), "log:\n  level: INFO\n");
        try (ClientProcess client = ClientProcess.startWithout("jackson", dir, Map.of("CLI_ID", "7",
                "CLI_MODE", "echo", "CLI_SERVER_ADDRESS", "127.0.0.1:1", "CLI_LOOP_AMOUNT", "1",
                "CLI_LOOP_PERIOD", "1s", "CLI_LOG_LEVEL", "INFO"))) {
            assertThat(client.waitFor(WAIT)).isEqualTo(1);
            assertThat(client.messages()).singleElement().asString()
                    .startsWith("action: run | result: fail | client_id: ? | error: java.lang.NoClassDefFoundError: ")
                    .contains("jackson");
        }
    }

    @Test
    void sigtermWithAcksWithheldExitsZeroWithinTheStopGrace() throws Exception {
        Files.writeString(dir.resolve("agency-3.csv"), BetRows.csv(200));
        CompletableFuture<Void> batchesWaiting = new CompletableFuture<>();
        FakeLotteryServer.Script withholdBatchAcks = (ctx, message, server) -> {
            if (message instanceof Batch batch) {
                if (batch.seq() == 3) {
                    batchesWaiting.complete(null);
                }
            } else {
                FakeLotteryServer.answer(ctx, message, server);
            }
        };
        try (FakeLotteryServer server = FakeLotteryServer.start(withholdBatchAcks);
             ClientProcess client = ClientProcess.start(dir, Map.of("CLI_ID", "3",
                     "CLI_SERVER_ADDRESS", "127.0.0.1:" + server.port(), "CLI_LOOP_AMOUNT", "1",
                     "CLI_LOOP_PERIOD", "1s", "CLI_LOG_LEVEL", "INFO", "CLI_BATCH_MAXAMOUNT", "10",
                     "CLI_DATA_FILE", dir.resolve("agency-{id}.csv").toString()))) {
            batchesWaiting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            client.terminate();

            // Well before SignalExit.GRACE (lottery.common.lifecycle), which would end the process with status 1.
            assertThat(client.waitFor(StopSignal.STOP_GRACE.plusSeconds(4))).isZero();
            assertThat(client.messages()).endsWith(
                    "action: receive_signal | result: success | client_id: 3 | signal: SIGTERM",
                    "action: stop | result: success | client_id: 3 | step: batch_enviado",
                    "action: shutdown | result: success | resource: connection",
                    "action: shutdown | result: success | resource: bets_file",
                    "action: shutdown | result: success | resource: event_loop_group",
                    "action: exit | result: success | client_id: 3");
        }
    }
}
