package lottery.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import lottery.server.support.TestClient;
import lottery.server.support.TestServer;
import lottery.testkit.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The line echo on the lottery port, driven like {@code nc} drives it: plain sockets. */
class EchoTest {
    @TempDir
    Path dir;
    private TestServer server;
    private LogCapture log;

    @BeforeEach
    void startServer() throws Exception {
        // The lines asserted here are rate-limited; earlier tests in this JVM must not have used them up.
        LogLimits.reset();
        log = LogCapture.open();
        server = TestServer.start(dir, 5);
    }

    @AfterEach
    void stopServer() {
        server.close();
        log.close();
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(server.address().getAddress(), server.address().getPort());
        socket.setSoTimeout((int) TestClient.TIMEOUT.toMillis());
        return socket;
    }

    /** Sends {@code input}, half-closes like {@code printf ... | nc -N}, and reads until the server closes. */
    private String exchange(String input) throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void eachLineIsEchoedAndLoggedWithThePeersAddress() throws IOException {
        assertThat(exchange("hola\n")).isEqualTo("hola\n");

        assertThat(log.messages()).containsSubsequence(
                "action: accept_connections | result: success | ip: 127.0.0.1",
                "action: receive_message | result: success | ip: 127.0.0.1 | msg: hola");
    }

    @Test
    void utf8LinesAndCrlfEndingsComeBackAsLines() throws IOException {
        assertThat(exchange("[CLIENT 1] Message N°1\r\nñandú 😀\n\n")).isEqualTo("[CLIENT 1] Message N°1\nñandú 😀\n\n");
        assertThat(log.messages()).contains(
                "action: receive_message | result: success | ip: 127.0.0.1 | msg: [CLIENT 1] Message N°1",
                "action: receive_message | result: success | ip: 127.0.0.1 | msg: ñandú 😀");
    }

    @Test
    void aLineWithTheLogSeparatorIsEchoedAsSentAndLoggedWithoutBreakingTheLogFormat() throws IOException {
        assertThat(exchange("a | b: c\tz\n")).isEqualTo("a | b: c\tz\n");

        assertThat(log.messages()).contains("action: receive_message | result: success | ip: 127.0.0.1 | msg: a / b: c z");
    }

    @Test
    void aLastLineWithoutLineEndIsEchoedWhenThePeerHalfCloses() throws IOException {
        assertThat(exchange("primera\nsin fin")).isEqualTo("primera\nsin fin\n");
    }

    @Test
    void theConnectionStaysOpenForMoreLines() throws IOException {
        try (Socket socket = connect()) {
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 3; i++) {
                socket.getOutputStream().write(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
                assertThat(new String(in.readNBytes(7), StandardCharsets.UTF_8)).isEqualTo("line " + i + "\n");
            }
        }
    }

    @Test
    void aLineOverTheLimitClosesTheConnection() throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write("x".repeat(9000).getBytes(StandardCharsets.US_ASCII));
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void aControlByteFirstIsNeitherProtocolAndIsClosed() throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(new byte[] {0x01, 'h', 'i', '\n'});
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(log.messages()).contains(
                "action: detect_protocol | result: fail | ip: 127.0.0.1 | first_byte: 0x01");
    }
}
