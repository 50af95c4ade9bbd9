package lottery.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import lottery.protocol.message.Batch;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.ErrorReply;
import lottery.protocol.message.MessageType;
import lottery.server.ServerConfig;
import lottery.server.support.Bets;
import lottery.server.support.ClientLoops;
import lottery.server.support.TestClient;
import lottery.server.support.TestServer;
import lottery.testkit.LogCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The server's bounds on connections: how many, how long to the handshake, how long idle. */
@Timeout(60)
class ConnectionLimitsTest {
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

    @BeforeEach
    void resetLimits() {
        // The refusal and handshake lines asserted here are rate-limited: earlier tests must not have used them up.
        LogLimits.reset();
    }

    private TestServer start(int idleSeconds, int maxConnections, int handshakeSeconds) throws Exception {
        return TestServer.start(new ServerConfig(0, 128, 3, dir.resolve("bets.csv"), idleSeconds, 5, false, "INFO",
                "127.0.0.1", null, maxConnections, handshakeSeconds));
    }

    @Test
    void aConnectionBeyondTheMaximumIsRefusedWithAnErrorAndTheRefusalsAreLoggedOncePerInterval() throws Exception {
        try (LogCapture log = LogCapture.open(); TestServer server = start(60, 2, 0);
             TestClient second = TestClient.agency(clients.group(), server.address(), 2)) {
            TestClient first = TestClient.agency(clients.group(), server.address(), 1);
            List<TestClient> refused = new ArrayList<>(List.of(first));
            try {
                for (int i = 0; i < 20; i++) {
                    TestClient extra = TestClient.connect(clients.group(), server.address());
                    refused.add(extra);
                    ErrorReply error = extra.expectError(ErrorCode.TOO_MANY_CONNECTIONS);
                    assertThat(error.ref()).isNull();
                    assertThat(error.reason()).isEqualTo("the server holds its maximum of 2 connections");
                    assertThat(extra.awaitClosed()).isTrue();
                }
                assertThat(log.messagesStartingWith("action: refuse_connection")).containsExactly(
                        "action: refuse_connection | result: fail | reason: max_connections | max: 2 | refused: 1");
                assertThat(first.isOpen()).isTrue();
                assertThat(second.isOpen()).isTrue();
            } finally {
                // The first one too: a slot frees once the server has seen the close.
                refused.forEach(TestClient::close);
            }
            long deadline = System.nanoTime() + TestClient.TIMEOUT.toNanos();
            while (true) {
                try (TestClient again = TestClient.connect(clients.group(), server.address())) {
                    try {
                        again.send(lottery.protocol.message.Hello.of(1));
                    } catch (Exception closedFirst) {
                        // Refused and closed before the HELLO left (a loaded machine): the refusal is still read.
                        if (!(closedFirst instanceof java.nio.channels.ClosedChannelException)) {
                            throw closedFirst;
                        }
                    }
                    Object answer = again.poll(TestClient.TIMEOUT);
                    if (answer instanceof lottery.protocol.message.Ack) {
                        break;
                    }
                    assertThat(answer).isInstanceOf(ErrorReply.class);
                    assertThat(((ErrorReply) answer).code()).isEqualTo(ErrorCode.TOO_MANY_CONNECTIONS);
                    assertThat(System.nanoTime()).as("a slot frees after a close").isLessThan(deadline);
                }
            }
        }
    }

    @Test
    void aConnectionWithoutHandshakeIsClosedAtTheDeadlineAndAHandshakeOrAnEchoEndsIt() throws Exception {
        try (LogCapture log = LogCapture.open(); TestServer server = start(60, 100, 1);
             TestClient agency = TestClient.agency(clients.group(), server.address(), 1);
             Socket echo = new Socket(server.address().getAddress(), server.address().getPort());
             Socket silent = new Socket(server.address().getAddress(), server.address().getPort());
             TestClient partial = TestClient.connect(clients.group(), server.address())) {
            echo.setSoTimeout((int) TestClient.TIMEOUT.toMillis());
            echo.getOutputStream().write("hola\n".getBytes(StandardCharsets.UTF_8));
            assertThat(readLine(echo.getInputStream())).isEqualTo("hola");
            // Half a HELLO: the lottery protocol is detected, the handshake never completes.
            partial.sendRaw(new byte[] {0, 0, 0});

            ErrorReply error = partial.expectError(ErrorCode.HANDSHAKE_TIMEOUT);
            assertThat(error.reason()).isEqualTo("no HELLO completed within 1 s");
            assertThat(partial.awaitClosed()).isTrue();
            silent.setSoTimeout((int) TestClient.TIMEOUT.toMillis());
            assertThat(silent.getInputStream().read()).as("a silent connection is closed").isEqualTo(-1);

            // Their deadlines passed too (they connected before the partial HELLO, whose deadline has fired), yet
            // they go on: the agency's next request is answered, and nothing (no HANDSHAKE_TIMEOUT) came before it.
            agency.send(new Batch(1, Bets.range(1, 0, 1)));
            agency.expectAck(MessageType.BATCH, 1, 1);
            assertThat(agency.isOpen()).isTrue();
            echo.getOutputStream().write("sigo\n".getBytes(StandardCharsets.UTF_8));
            assertThat(readLine(echo.getInputStream())).isEqualTo("sigo");
            assertThat(log.messages()).contains(
                    "action: handshake_timeout | result: fail | ip: 127.0.0.1 | protocol: lottery | seconds: 1",
                    "action: handshake_timeout | result: fail | ip: 127.0.0.1 | protocol: unknown | seconds: 1");
        }
    }

    /** SERVER_HANDSHAKE_TIMEOUT_SECONDS bounds the TLS handshake too: half a ClientHello is closed at the deadline. */
    @Test
    void aTlsHandshakeThatNeverEndsIsClosedAtTheDeadline() throws Exception {
        lottery.testkit.TestCertificates.Issued cert = lottery.testkit.TestCertificates.create(dir.resolve("tls"))
                .server();
        ServerConfig config = new ServerConfig(0, 128, 3, dir.resolve("bets.csv"), 60, 5, false, "INFO", "127.0.0.1",
                null, 100, 1).withTls(new TlsSettings(cert.cert(), cert.key(), null, TlsSettings.ClientAuth.OFF, null,
                false));
        try (LogCapture log = LogCapture.open(); TestServer server = TestServer.start(config);
             Socket tls = new Socket(server.address().getAddress(), server.address().getPort())) {
            tls.setSoTimeout((int) TestClient.TIMEOUT.toMillis());
            // A TLS record header announcing 64 bytes of handshake, and nothing more.
            tls.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x40});

            assertThat(tls.getInputStream().read()).as("closed without an answer").isEqualTo(-1);
            assertThat(log.messages()).contains(
                    "action: handshake_timeout | result: fail | ip: 127.0.0.1 | protocol: unknown | seconds: 1");
        }
    }

    @Test
    void aPeerTricklingAnUnfinishedFrameIsIdleAndClosed() throws Exception {
        try (TestServer server = start(1, 100, 0);
             TestClient trickler = TestClient.agency(clients.group(), server.address(), 1)) {
            long started = System.nanoTime();
            // A BATCH frame of 200 bytes of which at most 20 are ever sent, one every 300 ms.
            byte[] unfinished = {0, 0, 0, (byte) 200, 0x02, 0, 0, 0, 1, 0, 1, 5, 'A', 'n', 'a', 5, 'P', 'e', 'r', 'e'};
            Object answer = null;
            for (int i = 0; i < unfinished.length && answer == null; i++) {
                trickler.sendRaw(new byte[] {unfinished[i]});
                answer = trickler.poll(Duration.ofMillis(300));
            }
            assertThat(answer).as("an answer while trickling").isInstanceOf(ErrorReply.class);
            assertThat(((ErrorReply) answer).code()).isEqualTo(ErrorCode.IDLE_TIMEOUT);
            assertThat(trickler.awaitClosed()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void anEchoPeerTricklingALineWithoutEndIsIdleAndClosed() throws Exception {
        try (TestServer server = start(1, 100, 0);
             Socket trickler = new Socket(server.address().getAddress(), server.address().getPort())) {
            trickler.setSoTimeout(300);
            boolean closed = false;
            for (int i = 0; i < 20 && !closed; i++) {
                try {
                    trickler.getOutputStream().write('a');
                    closed = trickler.getInputStream().read() == -1;
                } catch (SocketTimeoutException paced) {
                    // Nothing yet: the next byte.
                } catch (IOException reset) {
                    closed = true;
                }
            }
            assertThat(closed).as("closed while it trickled a line that never ends").isTrue();
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            assertThat(c).as("a whole line before the end of stream").isNotEqualTo(-1);
            line.append((char) c);
        }
        return line.toString();
    }
}
