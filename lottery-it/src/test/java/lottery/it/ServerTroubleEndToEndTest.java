package lottery.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import lottery.client.ClientMain;
import lottery.server.support.TestServer;
import lottery.testkit.FreePort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real client against the real server when things go wrong: a server that starts late, one that refuses. */
class ServerTroubleEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Map<String, String> BET = Map.of("NOMBRE", "Ana", "APELLIDO", "Saldaña",
            "DOCUMENTO", "30904465", "NACIMIENTO", "1999-03-17", "NUMERO", "1234");

    @TempDir
    Path dir;

    /**
     * Compose starts the server and the clients together, so a client may be up first: it retries (at DEBUG, with
     * result in_progress, never fail) until the server listens, then runs normally.
     */
    @Test
    void aClientStartedBeforeTheServerRetriesUntilItListens() throws Exception {
        int port = FreePort.pick();
        Map<String, String> env = new HashMap<>(BET);
        env.put("CLI_CONNECT_TIMEOUT", "30s");
        try (LogRecorder logs = LogRecorder.open(Level.DEBUG);
             ClientThread client = ClientThread.start(1, port, env)) {
            logs.await(line -> line.thread().equals(client.name())
                    && line.message().startsWith("action: connect | result: in_progress | client_id: 1 | attempt: 1 |"),
                    WAIT);
            try (TestServer server = TestServer.startOnPort(dir, 1, port)) {
                assertThat(client.awaitExit(WAIT)).isZero();

                assertThat(StoredBets.text(server)).isEqualTo("1,Ana,Saldaña,30904465,1999-03-17,1234\r\n");
                assertThat(logs.client(client.name())).contains(
                        "action: apuesta_enviada | result: success | dni: 30904465 | numero: 1234",
                        "action: consulta_ganadores | result: success | cant_ganadores: 0");
                assertThat(logs.clients()).noneMatch(line -> line.contains("result: fail"));
                assertThat(logs.unparsable()).isEmpty();
            }
        }
    }

    @Test
    void anAgencyTheServerDoesNotKnowFailsWithTheServersErrorCode() throws Exception {
        try (TestServer server = TestServer.start(dir, 2); LogRecorder logs = LogRecorder.open();
             ClientThread client = ClientThread.start(3, server.port(), BET)) {

            assertThat(client.awaitExit(WAIT)).isEqualTo(ClientMain.EXIT_FAILURE);

            assertThat(logs.client(client.name())).filteredOn(line -> line.contains("result: fail")).singleElement()
                    .asString().startsWith("action: hello | result: fail | client_id: 3 | code: UNKNOWN_AGENCY(");
            assertThat(logs.client(client.name())).noneMatch(line -> line.startsWith("action: apuesta_enviada"));
            assertThat(StoredBets.text(server)).isEmpty();
            assertThat(logs.unparsable()).isEmpty();
        }
    }
}
