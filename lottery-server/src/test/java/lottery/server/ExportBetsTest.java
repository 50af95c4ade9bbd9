package lottery.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lottery.protocol.message.Batch;
import lottery.protocol.message.MessageType;
import lottery.server.support.Bets;
import lottery.server.support.ClientLoops;
import lottery.server.support.TestClient;
import lottery.testkit.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code --export-bets FILE} with the CSV store, through {@link ServerMain#run}, while a real server runs on it. */
@Timeout(120)
class ExportBetsTest {
    @TempDir
    Path dir;

    private final ClientLoops clients = new ClientLoops();
    private LotteryServer server;

    @AfterEach
    void stop() {
        clients.close();
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void csvExportIsWhatTheRunningServerStoredAndTheServerGoesOn() throws Exception {
        Path bets = dir.resolve("bets.csv");
        server = new LotteryServer(new ServerConfig(0, 8, 2, bets, 60, 1, true, "INFO"),
                InetAddress.getLoopbackAddress());
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.start().getPort());
        Map<String, String> env = Map.of("SERVER_PORT", "0", "LOGGING_LEVEL", "INFO",
                "SERVER_STORAGE_PATH", bets.toString());
        String config = Files.writeString(dir.resolve("e.ini"), "").toString();
        Path file = dir.resolve("export.csv");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (TestClient one = TestClient.agency(clients.group(), address, 1);
             LogCapture log = LogCapture.open()) {
            one.sendAll(List.of(new Batch(1, Bets.range(1, 0, 30)), new Batch(2, Bets.range(1, 30, 42))));
            one.expectAck(MessageType.BATCH, 1, 30);
            one.expectAck(MessageType.BATCH, 2, 12);

            int status = ServerMain.run(new String[] {"--config", config, "--export-bets", file.toString()}, env,
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), stop -> { });

            assertThat(status).isZero();
            assertThat(Files.readAllBytes(file)).isEqualTo(Files.readAllBytes(bets));
            assertThat(log.messages()).contains("action: export_bets | result: success | from: " + bets
                    + " | bets: 42 | file: " + file);
            assertThat(dir.resolve("export.csv.tmp")).doesNotExist();

            one.send(new Batch(3, Bets.range(1, 42, 43)));
            one.expectAck(MessageType.BATCH, 3, 1);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(Files.size(bets)).as("the server went on storing").isGreaterThan(Files.size(file));
    }
}
