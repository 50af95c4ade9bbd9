package lottery.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real process: {@code ServerMain} in a child JVM, stopped with SIGTERM ({@code ProcessHandle.destroy()} on
 * Linux), must log its shutdown and exit 0; a bad configuration must exit 2 through {@code System.exit}.
 */
class ServerProcessTest {
    private static final long WAIT_SECONDS = 60;
    /** The child's stdout ends with this line when it is gone. */
    private static final String EOF = "\u0000eof";

    @TempDir
    Path dir;
    private Process process;
    private final BlockingQueue<String> output = new LinkedBlockingQueue<>();

    @AfterEach
    void killLeftover() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    private void start(String yaml) throws IOException {
        Path config = Files.writeString(dir.resolve("config.yaml"), yaml, StandardCharsets.UTF_8);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-D" + ServerMain.HOST_PROPERTY + "=127.0.0.1",
                // The production logging setup, not the tests' logback-test.xml (also on this class path).
                "-Dlogback.configurationFile=logback.xml",
                ServerMain.class.getName(), "--config",
                config.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    output.add(line);
                }
            } catch (IOException e) {
                output.add("read error: " + e);
            } finally {
                output.add(EOF);
            }
        }, "child-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Child output lines until one contains {@code text} (returned last) or the child's output ends. */
    private List<String> readUntil(String text) throws InterruptedException {
        List<String> lines = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            String line = output.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null || line.equals(EOF)) {
                break;
            }
            lines.add(line);
            if (line.contains(text)) {
                break;
            }
        }
        return lines;
    }

    /** Strips the "YYYY-MM-DD HH:MM:SS LEVEL    " prefix, checking its format. */
    private static String message(String line) {
        assertThat(line).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d [A-Z]{4,5} +action: .*");
        return line.substring(29);
    }

    @Test
    void sigtermStopsGracefullyLogsEveryResourceAndExitsZero() throws Exception {
        start("""
                server:
                  port: 0
                  listen_backlog: 5
                logging:
                  level: INFO
                """);
        List<String> startup = readUntil("action: bind | result: success | port: ");
        assertThat(startup).isNotEmpty();
        String bind = startup.get(startup.size() - 1);
        assertThat(message(startup.get(0))).isEqualTo("action: config | result: success | port: 0"
                + " | listen_backlog: 5 | logging_level: INFO | agencies: 5 | storage: ./bets.csv");
        int port = Integer.parseInt(bind.substring(bind.lastIndexOf(' ') + 1));
        assertThat(message(readUntil("in_progress").get(0))).isEqualTo(
                "action: accept_connections | result: in_progress");
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = socket.getOutputStream();
            out.write("hola\n".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(socket.getInputStream().readNBytes(5), StandardCharsets.UTF_8)).isEqualTo("hola\n");

            // SIGTERM, with a client still connected. Process.destroy() would also close our end of the child's
            // stdout, losing the shutdown lines; ProcessHandle.destroy() only sends the signal.
            assertThat(process.toHandle().destroy()).isTrue();

            assertThat(process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).as("the server exited").isTrue();
        }
        assertThat(process.exitValue()).isZero();
        List<String> rest = readUntil(EOF).stream().map(ServerProcessTest::message).toList();
        assertThat(rest).containsSubsequence(
                "action: receive_signal | result: success | signal: SIGTERM",
                "action: shutdown | result: success | resource: server_socket",
                "action: shutdown | result: success | resource: client_connections",
                "action: shutdown | result: success | resource: business_executor",
                "action: shutdown | result: success | resource: event_loops",
                "action: shutdown | result: success | resource: bet_store",
                "action: exit | result: success");
        assertThat(rest.get(rest.size() - 1)).isEqualTo("action: exit | result: success");
        assertThat(dir.resolve("bets.csv")).exists();
    }

    @Test
    void aBadConfigurationExitsTwoFromTheRealMain() throws Exception {
        start("server:\n  port: 0\n  listen_backlog: 5\n  colour: blue\nlogging:\n  level: INFO\n");

        assertThat(process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(readUntil(EOF)).containsExactly("action: config | result: fail | error: unknown key server.colour"
                + " in " + dir.resolve("config.yaml"));
    }
}
