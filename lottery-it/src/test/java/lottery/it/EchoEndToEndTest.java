package lottery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import lottery.server.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exercises 1-3 end to end: the real client in echo mode against the real server, which answers text lines. */
class EchoEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void threeMessagesAreEchoedAndLoggedOnBothSides() throws Exception {
        try (TestServer server = TestServer.start(dir, 1); LogRecorder logs = LogRecorder.open();
             ClientThread client = ClientThread.start(1, server.port(),
                     Map.of("CLI_MODE", "echo", "CLI_LOOP_AMOUNT", "3", "CLI_LOOP_PERIOD", "10ms"))) {

            assertThat(client.awaitExit(WAIT)).isZero();

            assertThat(logs.client(client.name()))
                    .filteredOn(line -> line.contains("action: receive_message") || line.contains("loop_finished"))
                    .containsExactly(
                            "action: receive_message | result: success | client_id: 1 | msg: [CLIENT 1] Message N°1",
                            "action: receive_message | result: success | client_id: 1 | msg: [CLIENT 1] Message N°2",
                            "action: receive_message | result: success | client_id: 1 | msg: [CLIENT 1] Message N°3",
                            "action: loop_finished | result: success | client_id: 1");
            assertThat(logs.server())
                    .filteredOn(line -> line.startsWith("action: receive_message"))
                    .containsExactly(
                            "action: receive_message | result: success | ip: 127.0.0.1 | msg: [CLIENT 1] Message N°1",
                            "action: receive_message | result: success | ip: 127.0.0.1 | msg: [CLIENT 1] Message N°2",
                            "action: receive_message | result: success | ip: 127.0.0.1 | msg: [CLIENT 1] Message N°3");
            assertThat(logs.clients()).noneMatch(line -> line.contains("result: fail"));
            assertThat(StoredBets.text(server)).isEmpty();
            assertThat(logs.unparsable()).isEmpty();
        }
    }
}
