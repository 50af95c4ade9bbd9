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
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real process: {@code ServerMain} in a child JVM, stopped with SIGTERM ({@code ProcessHandle.destroy()} on
 * Linux), must log its shutdown and exit 0; a bad configuration must exit 2 and a listen address that cannot be
 * resolved 1, through {@code System.exit}.
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

    /**
     * Starts {@code ServerMain} in {@code dir}, where {@code iniFile} (unless null) is the default config.ini, with
     * {@code env} as the only configuration variables (any inherited from the test's shell are removed). The child
     * resolves host names through {@code dir/hosts} only, which maps {@code server} to 127.0.0.1 as Docker's DNS
     * maps the service name to the container's own address.
     */
    private void start(String iniFile, Map<String, String> env, String... args) throws IOException {
        if (iniFile != null) {
            Files.writeString(dir.resolve("config.ini"), iniFile, StandardCharsets.UTF_8);
        }
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 server\n", StandardCharsets.UTF_8);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Djdk.net.hosts.file=" + hosts,
                // The production logging setup, not the tests' logback-test.xml (also on this class path).
                "-Dlogback.configurationFile=logback.xml",
                ServerMain.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("SERVER_") || name.equals("LOGGING_LEVEL"));
        builder.environment().putAll(env);
        process = builder.start();
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
        // The course's file, byte for byte (no line end at the end), as the default ./config.ini; only the port is
        // overridden, so that the test does not depend on 12345 being free.
        start("[DEFAULT]\nSERVER_PORT = 12345\nSERVER_IP = server\nSERVER_LISTEN_BACKLOG = 8\nLOGGING_LEVEL = DEBUG",
                Map.of("SERVER_PORT", "0"));
        List<String> startup = readUntil("action: bind | result: success | port: ");
        assertThat(startup).hasSizeGreaterThanOrEqualTo(3);
        String bind = startup.get(startup.size() - 1);
        assertThat(message(startup.get(0))).isEqualTo("action: config | result: success | port: 0"
                + " | listen_backlog: 8 | logging_level: DEBUG | agencies: 5 | storage: bets.csv | ip: server");
        assertThat(message(startup.get(1))).isEqualTo("action: config_override | result: success | key: SERVER_PORT"
                + " | file_value: 12345 | value: 0");
        int port = Integer.parseInt(bind.substring(bind.lastIndexOf(' ') + 1));
        // After the bind, the round is opened (new_round or resume_round), then connections are accepted.
        List<String> opening = readUntil("in_progress");
        assertThat(message(opening.get(opening.size() - 1))).isEqualTo(
                "action: accept_connections | result: in_progress");
        // SERVER_IP = server resolved to 127.0.0.1 through the hosts file.
        try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
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
                "action: shutdown | result: success | resource: lottery_executor",
                "action: shutdown | result: success | resource: event_loops",
                "action: shutdown | result: success | resource: bet_store",
                "action: exit | result: success");
        assertThat(rest.get(rest.size() - 1)).isEqualTo("action: exit | result: success");
        assertThat(dir.resolve("bets.csv")).exists();
    }

    @Test
    void aBadConfigurationExitsTwoFromTheRealMain() throws Exception {
        start("[DEFAULT]\nSERVER_PORT = 0\nSERVER_LISTEN_BACKLOG = 5\nSERVER_COLOUR = blue\nLOGGING_LEVEL = INFO\n",
                Map.of());

        assertThat(process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(readUntil(EOF)).containsExactly("action: config | result: fail | error: config.ini line 4:"
                + " unknown key SERVER_COLOUR (known keys: SERVER_PORT, SERVER_IP, SERVER_LISTEN_BACKLOG,"
                + " LOGGING_LEVEL, SERVER_AGENCIES, SERVER_STORAGE_PATH, SERVER_IDLE_TIMEOUT_SECONDS,"
                + " SERVER_SHUTDOWN_GRACE_SECONDS, SERVER_FSYNC, SERVER_SECRETS_FILE, SERVER_MAX_CONNECTIONS,"
                + " SERVER_HANDSHAKE_TIMEOUT_SECONDS, SERVER_STORE, SERVER_PG_URL, SERVER_PG_USER, SERVER_PG_PASSWORD,"
                + " SERVER_PG_POOL_SIZE, SERVER_PG_BULK, SERVER_METRICS_PORT, SERVER_TLS_CERT, SERVER_TLS_KEY,"
                + " SERVER_TLS_CLIENT_CA, SERVER_TLS_CLIENT_AUTH, SERVER_TLS_REVOKED, SERVER_TLS_ALLOW_PLAIN)");
    }

    @Test
    void aMissingConfigFileGivenOnTheCommandLineExitsTwoFromTheRealMain() throws Exception {
        // The environment would be enough, but a file named on the command line must exist.
        start(null, Map.of("SERVER_PORT", "0", "SERVER_LISTEN_BACKLOG", "5", "LOGGING_LEVEL", "INFO"),
                "--config", "server.ini");

        assertThat(process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(readUntil(EOF)).containsExactly(
                "action: config | result: fail | error: config file server.ini does not exist");
    }

    @Test
    void anAddressThatCannotBeResolvedExitsOneAndLeavesTheBetsFileAlone() throws Exception {
        // No config.ini: the environment alone configures the server.
        Files.writeString(dir.resolve("bets.csv"), "earlier run\n", StandardCharsets.UTF_8);
        start(null, Map.of("SERVER_PORT", "0", "SERVER_IP", "nohost.invalid", "SERVER_LISTEN_BACKLOG", "5",
                "LOGGING_LEVEL", "INFO"));

        assertThat(process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).isEqualTo(1);
        List<String> lines = readUntil(EOF).stream().map(ServerProcessTest::message).toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo("action: config | result: success | port: 0 | listen_backlog: 5"
                + " | logging_level: INFO | agencies: 5 | storage: bets.csv | ip: nohost.invalid");
        assertThat(lines.get(1)).startsWith("action: config_details | result: success | fsync: true |");
        assertThat(lines.get(2)).startsWith("action: start_server | result: fail | error: cannot resolve SERVER_IP"
                + " 'nohost.invalid' to an address (");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(file -> file.getFileName().toString())).containsExactlyInAnyOrder("bets.csv", "hosts");
        }
        assertThat(dir.resolve("bets.csv")).hasContent("earlier run");
    }
}
