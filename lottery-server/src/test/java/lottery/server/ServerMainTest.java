package lottery.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line and configuration errors, through {@link ServerMain#run} (which returns the exit status). */
class ServerMainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return ServerMain.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpPrintsTheUsageAndExitsZero() {
        assertThat(run(Map.of(), "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .startsWith("Usage: java -jar lottery-server.jar [--config PATH] [--help]")
                .contains("SERVER_PORT", "SERVER_LISTEN_BACKLOG", "SERVER_AGENCIES", "SERVER_STORAGE_PATH",
                        "SERVER_IDLE_TIMEOUT_SECONDS", "SERVER_SHUTDOWN_GRACE_SECONDS", "SERVER_FSYNC",
                        "LOGGING_LEVEL");
        assertThat(err()).isEmpty();
    }

    @Test
    void anUnknownArgumentIsAUsageError() {
        assertThat(run(Map.of(), "--port", "1")).isEqualTo(2);
        assertThat(err()).isEqualTo("action: config | result: fail | error: unknown argument '--port' (try --help)"
                + System.lineSeparator());
    }

    @Test
    void aBadConfigurationExitsTwoWithOneLine() throws IOException {
        Path config = Files.writeString(dir.resolve("c.yaml"), "server:\n  port: 1\nlogging:\n  level: INFO\n");

        assertThat(run(Map.of(), "--config", config.toString())).isEqualTo(2);
        assertThat(err().lines()).containsExactly("action: config | result: fail | error: missing key "
                + "server.listen_backlog in " + config + " (or env SERVER_LISTEN_BACKLOG)");
    }

    @Test
    void aMissingConfigFileGivenOnTheCommandLineExitsTwo() {
        assertThat(run(Map.of(), "--config", dir.resolve("nope.yaml").toString())).isEqualTo(2);
        assertThat(err()).contains("does not exist");
    }

    @Test
    void aPortThatCannotBeBoundExitsOne() throws Exception {
        String previous = System.setProperty(ServerMain.HOST_PROPERTY, "127.0.0.1");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Map<String, String> env = Map.of("SERVER_PORT", String.valueOf(taken.getLocalPort()),
                    "SERVER_LISTEN_BACKLOG", "1", "LOGGING_LEVEL", "INFO",
                    "SERVER_STORAGE_PATH", dir.resolve("bets.csv").toString());
            assertThat(run(env, "--config", Files.writeString(dir.resolve("e.yaml"), "").toString())).isEqualTo(1);
        } finally {
            if (previous == null) {
                System.clearProperty(ServerMain.HOST_PROPERTY);
            } else {
                System.setProperty(ServerMain.HOST_PROPERTY, previous);
            }
        }
    }
}
