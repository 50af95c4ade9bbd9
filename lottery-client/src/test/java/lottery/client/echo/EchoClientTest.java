package lottery.client.echo;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import lottery.client.ClientConfig;
import lottery.client.ClientMain;
import lottery.client.StopSignal;
import lottery.client.testing.FakeEchoServer;
import lottery.client.testing.TestConfigs;
import lottery.testkit.FreePort;
import lottery.testkit.LogCapture;
import org.junit.jupiter.api.Test;

class EchoClientTest {

    private static ClientConfig echoConfig(int id, int port, String amount) throws Exception {
        return TestConfigs.config(id, port, Map.of("CLI_MODE", "echo", "CLI_LOOP_AMOUNT", amount));
    }

    @Test
    void sendsNumberedLinesAndLogsEachEcho() throws Exception {
        try (FakeEchoServer server = FakeEchoServer.start(); LogCapture logs = LogCapture.open(Level.DEBUG)) {
            int status = ClientMain.run(echoConfig(4, server.port(), "3"), new StopSignal());

            assertThat(status).isZero();
            assertThat(server.lines()).containsExactly(
                    "[CLIENT 4] Message N°1", "[CLIENT 4] Message N°2", "[CLIENT 4] Message N°3");
            assertThat(logs.lines()).filteredOn(line -> line.startsWith("INFO")).containsExactly(
                    "INFO action: config | result: success | client_id: 4 | server_address: 127.0.0.1:"
                            + server.port() + " | loop_amount: 3 | loop_period: 10ms | log_level: DEBUG",
                    "INFO action: receive_message | result: success | client_id: 4 | msg: [CLIENT 4] Message N°1",
                    "INFO action: receive_message | result: success | client_id: 4 | msg: [CLIENT 4] Message N°2",
                    "INFO action: receive_message | result: success | client_id: 4 | msg: [CLIENT 4] Message N°3",
                    "INFO action: loop_finished | result: success | client_id: 4",
                    "INFO action: shutdown | result: success | resource: event_loop_group");
        }
    }

    @Test
    void aConnectionClosedWithoutAnswerFails() throws Exception {
        try (FakeEchoServer server = FakeEchoServer.start(FakeEchoServer.Reply.CLOSE);
             LogCapture logs = LogCapture.open(Level.DEBUG)) {
            int status = ClientMain.run(echoConfig(2, server.port(), "3"), new StopSignal());

            assertThat(status).isEqualTo(1);
            assertThat(server.lines()).containsExactly("[CLIENT 2] Message N°1");
            assertThat(logs.messagesStartingWith("action: receive_message")).containsExactly(
                    "action: receive_message | result: fail | client_id: 2 | error: the server closed the connection");
            assertThat(logs.messagesStartingWith("action: loop_finished")).isEmpty();
            // The connection of the failed exchange was open when the run ended: its close is logged at INFO.
            assertThat(logs.lines()).filteredOn(line -> line.startsWith("INFO action: shutdown")).containsExactly(
                    "INFO action: shutdown | result: success | resource: connection",
                    "INFO action: shutdown | result: success | resource: event_loop_group");
        }
    }

    @Test
    void noServerFailsAfterTheConnectBudget() throws Exception {
        int port = FreePort.pick();
        try (LogCapture logs = LogCapture.open(Level.DEBUG)) {
            ClientConfig config = TestConfigs.config(1, port, Map.of("CLI_MODE", "echo", "CLI_CONNECT_TIMEOUT", "200ms"));
            assertThat(ClientMain.run(config, new StopSignal())).isEqualTo(1);
            assertThat(logs.messagesStartingWith("action: connect | result: in_progress")).isNotEmpty();
            assertThat(logs.messagesStartingWith("action: connect | result: fail")).singleElement().asString()
                    .startsWith("action: connect | result: fail | client_id: 1 | error: cannot connect to 127.0.0.1:"
                            + port + " (");
        }
    }

    @Test
    void aStopDuringThePauseEndsTheLoopWithStatusZero() throws Exception {
        try (FakeEchoServer server = FakeEchoServer.start(); LogCapture logs = LogCapture.open(Level.DEBUG)) {
            StopSignal stop = new StopSignal();
            ClientConfig config = TestConfigs.config(6, server.port(),
                    Map.of("CLI_MODE", "echo", "CLI_LOOP_AMOUNT", "100", "CLI_LOOP_PERIOD", "1h"));
            Thread stopper = new Thread(() -> {
                try {
                    logs.await(line -> line.contains("action: receive_message"), Duration.ofSeconds(10));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                stop.request();
            });
            stopper.start();
            int status = ClientMain.run(config, stop);
            stopper.join(10_000);

            assertThat(status).isZero();
            assertThat(server.lines()).containsExactly("[CLIENT 6] Message N°1");
            assertThat(logs.messagesStartingWith("action: loop_finished")).isEmpty();
            assertThat(logs.messagesStartingWith("action: shutdown | result: success | resource: event_loop_group"))
                    .hasSize(1);
        }
    }

    @Test
    void aStopWhileTheAnswerIsWithheldEndsWithinTheStopGraceWithStatusZeroAndLogsTheConnection() throws Exception {
        try (FakeEchoServer server = FakeEchoServer.start(FakeEchoServer.Reply.NONE);
             LogCapture logs = LogCapture.open(Level.DEBUG)) {
            StopSignal stop = new StopSignal();
            ClientConfig config = echoConfig(5, server.port(), "3");
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> ClientMain.run(config, stop));
            server.awaitLine(Duration.ofSeconds(10));
            long stoppedAt = System.nanoTime();
            stop.request();

            // The exchange in flight gets the stop grace, not the 30 s reply timeout, and a stop is not a failure.
            assertThat(run.get(StopSignal.STOP_GRACE.toSeconds() + 5, TimeUnit.SECONDS)).isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).isLessThan(StopSignal.STOP_GRACE.plusSeconds(3));
            assertThat(logs.lines()).noneMatch(line -> line.contains("result: fail"));
            assertThat(logs.messagesStartingWith("action: shutdown")).containsExactly(
                    "action: shutdown | result: success | resource: connection",
                    "action: shutdown | result: success | resource: event_loop_group");
            assertThat(logs.lines()).filteredOn(line -> line.contains("action: shutdown")).allMatch(
                    line -> line.startsWith("INFO "));
        }
    }
}
