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
import java.util.zip.CRC32;
import lottery.server.store.csv.StorageLock;
import lottery.testkit.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command line and configuration errors, through {@link ServerMain#run} (which returns the exit status). */
class ServerMainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return ServerMain.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), stop -> { });
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpPrintsTheUsageWithTheIniFormatAndEveryKeyAndExitsZero() {
        assertThat(run(Map.of(), "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .startsWith("Usage: java -jar lottery-server.jar [--config PATH] [--new-round] [--help]")
                .contains("--new-round", "bets.csv.round", "bets.csv.lock", "SERVER_SECRETS_FILE")
                .contains("default ./config.ini", "[DEFAULT]", "KEY = VALUE")
                .contains("SERVER_PORT", "SERVER_IP", "SERVER_LISTEN_BACKLOG", "SERVER_AGENCIES", "SERVER_STORAGE_PATH",
                        "SERVER_IDLE_TIMEOUT_SECONDS", "SERVER_SHUTDOWN_GRACE_SECONDS", "SERVER_FSYNC",
                        "LOGGING_LEVEL", "SERVER_STORE", "SERVER_PG_URL", "SERVER_PG_USER", "SERVER_PG_PASSWORD",
                        "SERVER_PG_POOL_SIZE", "SERVER_PG_BULK", "--export-bets FILE")
                .doesNotContain("yaml", "YAML");
        assertThat(err()).isEmpty();
    }

    @Test
    void exportBetsNeedsAPathAndARound() {
        assertThat(run(Map.of(), "--export-bets")).isEqualTo(2);
        assertThat(err()).isEqualTo("action: config | result: fail | error: --export-bets needs a file path (try --help)"
                + System.lineSeparator());
        err.reset();
        Path bets = dir.resolve("bets.csv");
        Map<String, String> csv = Map.of("SERVER_PORT", "0", "LOGGING_LEVEL", "INFO",
                "SERVER_STORAGE_PATH", bets.toString());
        Path file = dir.resolve("out.csv");
        try (LogCapture log = LogCapture.open()) {
            assertThat(run(csv, "--export-bets", file.toString())).isEqualTo(1);

            assertThat(log.messages()).filteredOn(line -> line.contains("result: fail")).singleElement()
                    .isEqualTo("action: export_bets | result: fail | file: " + file + " | error: there is no round to"
                            + " export: no round log " + bets + ".round");
        }
        assertThat(err()).isEmpty();
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void anUnknownArgumentIsAUsageError() {
        assertThat(run(Map.of(), "--port", "1")).isEqualTo(2);
        assertThat(err()).isEqualTo("action: config | result: fail | error: unknown argument '--port' (try --help)"
                + System.lineSeparator());
    }

    @Test
    void configWithoutAPathSaysSo() {
        assertThat(run(Map.of(), "--config")).isEqualTo(2);
        assertThat(err()).isEqualTo("action: config | result: fail | error: --config needs a file path (try --help)"
                + System.lineSeparator());
    }

    @Test
    void aBadConfigurationExitsTwoWithOneLine() throws IOException {
        Path config = Files.writeString(dir.resolve("c.ini"), "[DEFAULT]\nSERVER_PORT = 1\nSERVER_IP = 127.0.0.1\n");

        assertThat(run(Map.of(), "--config", config.toString())).isEqualTo(2);
        assertThat(err().lines()).containsExactly("action: config | result: fail | error: missing key "
                + "LOGGING_LEVEL: set it in " + config
                + " or in the environment variable LOGGING_LEVEL");
    }

    @Test
    void aFileTheParserRejectsExitsTwoWithOneLineNamingTheLine() throws IOException {
        Path config = Files.writeString(dir.resolve("c.ini"), "[DEFAULT]\nSERVER_PORT = 1\n  2\n");

        assertThat(run(Map.of(), "--config", config.toString())).isEqualTo(2);
        assertThat(err().lines()).containsExactly("action: config | result: fail | error: " + config + " line 3:"
                + " indented line '2': continuation lines (multi-line values) are not supported; remove the"
                + " indentation");
    }

    @Test
    void theErrorLineCannotBeBrokenByTheFilesText() throws IOException {
        Path config = Files.writeString(dir.resolve("c.ini"), "[DEFAULT]\nSERVER_PORT = 1 | result: success\n"
                + "SERVER_LISTEN_BACKLOG = 1\nLOGGING_LEVEL = INFO\n");

        assertThat(run(Map.of(), "--config", config.toString())).isEqualTo(2);
        assertThat(err().lines()).containsExactly("action: config | result: fail | error: SERVER_PORT must be an"
                + " integer, not '1 / result: success' (" + config + " line 2)");
    }

    @Test
    void aMissingConfigFileGivenOnTheCommandLineExitsTwo() {
        Path missing = dir.resolve("nope.ini");

        assertThat(run(Map.of(), "--config", missing.toString())).isEqualTo(2);
        assertThat(err().lines()).containsExactly("action: config | result: fail | error: config file " + missing
                + " does not exist");
    }

    @Test
    void aPortThatCannotBeBoundExitsOneWithTheStartServerLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             LogCapture log = LogCapture.open()) {
            int port = taken.getLocalPort();
            Map<String, String> env = Map.of("SERVER_PORT", String.valueOf(port), "SERVER_IP", "127.0.0.1",
                    "SERVER_LISTEN_BACKLOG", "1", "LOGGING_LEVEL", "INFO",
                    "SERVER_STORAGE_PATH", dir.resolve("bets.csv").toString());

            assertThat(run(env, "--config", Files.writeString(dir.resolve("e.ini"), "").toString())).isEqualTo(1);

            assertThat(log.messages()).anySatisfy(line -> assertThat(line).startsWith(
                    "action: start_server | result: fail | error: cannot listen on 127.0.0.1 port " + port + ": "));
        }
    }

    @Test
    @Timeout(60) // a stop that never comes would leave run waiting for ever
    void aSignalThatCameDuringStartUpStopsTheServerOnceItIsWholeAndRunReturnsZero() throws Exception {
        Map<String, String> env = Map.of("SERVER_PORT", "0", "SERVER_IP", "127.0.0.1", "SERVER_LISTEN_BACKLOG", "1",
                "LOGGING_LEVEL", "INFO", "SERVER_STORAGE_PATH", dir.resolve("bets.csv").toString());
        String config = Files.writeString(dir.resolve("e.ini"), "").toString();
        try (LogCapture log = LogCapture.open()) {
            // SignalExit.onSignal runs the stop at once when the signal already came: as here.
            int status = ServerMain.run(new String[] {"--config", config}, env,
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), Runnable::run);

            assertThat(status).isZero();
            assertThat(log.messages()).containsSubsequence(
                    "action: accept_connections | result: in_progress",
                    "action: shutdown | result: success | resource: server_socket",
                    "action: shutdown | result: success | resource: client_connections",
                    "action: shutdown | result: success | resource: lottery_executor",
                    "action: shutdown | result: success | resource: event_loops",
                    "action: shutdown | result: success | resource: bet_store");
        }
        assertThat(err()).isEmpty();
    }

    @Test
    void aStorageLockedByAnotherServerExitsOneWithOneLine() throws Exception {
        Path bets = dir.resolve("bets.csv");
        Map<String, String> env = Map.of("SERVER_PORT", "0", "SERVER_IP", "127.0.0.1", "SERVER_LISTEN_BACKLOG", "1",
                "LOGGING_LEVEL", "INFO", "SERVER_STORAGE_PATH", bets.toString());
        String config = Files.writeString(dir.resolve("e.ini"), "").toString();
        try (StorageLock other = StorageLock.acquire(bets); LogCapture log = LogCapture.open()) {
            assertThat(other).as("another server holds the storage").isNotNull();
            assertThat(run(env, "--config", config, "--new-round")).isEqualTo(1);

            assertThat(log.messages()).filteredOn(line -> line.contains("result: fail")).singleElement()
                    .satisfies(line -> assertThat(line).startsWith("action: lock_storage | result: fail | error: the"
                            + " storage " + bets + " is in use by another server"));
        }
        assertThat(err()).isEmpty();
        assertThat(Files.exists(bets)).as("nothing created or moved").isFalse();
    }

    @Test
    void serverNewRoundMustBeTrueOrFalse() {
        Map<String, String> env = Map.of("SERVER_PORT", "0", "SERVER_LISTEN_BACKLOG", "1", "LOGGING_LEVEL", "INFO",
                "SERVER_NEW_ROUND", "yes");

        assertThat(run(env)).isEqualTo(2);
        assertThat(err()).isEqualTo("action: config | result: fail | error: SERVER_NEW_ROUND must be true or false,"
                + " not 'yes'" + System.lineSeparator());
    }

    @Test
    @Timeout(60)
    void serverNewRoundTrueArchivesAnUnfinishedRoundLikeTheFlag() throws Exception {
        Path bets = dir.resolve("bets.csv");
        String row = "1,Ana,Paz,1,2000-01-01,7574\r\n";
        Files.writeString(bets, row);
        Files.writeString(dir.resolve("bets.csv.round"), record("round 1 agencies=5")
                + record("batch 1 1 1 " + row.getBytes(StandardCharsets.UTF_8).length));
        Map<String, String> env = Map.of("SERVER_PORT", "0", "SERVER_IP", "127.0.0.1", "SERVER_LISTEN_BACKLOG", "1",
                "LOGGING_LEVEL", "INFO", "SERVER_STORAGE_PATH", bets.toString(), "SERVER_NEW_ROUND", "true");
        String config = Files.writeString(dir.resolve("e.ini"), "").toString();
        try (LogCapture log = LogCapture.open()) {
            int status = ServerMain.run(new String[] {"--config", config}, env,
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), Runnable::run);

            assertThat(status).isZero();
            assertThat(log.messages()).anySatisfy(line -> assertThat(line).startsWith("action: archive_bets"))
                    .contains("action: new_round | result: success | agencies: 5 | reason: a new round was asked"
                            + " (--new-round or SERVER_NEW_ROUND=true)");
        }
        assertThat(Files.readString(bets)).as("the new round's bets file").isEmpty();
    }

    @Test
    void aStoragePathUnderARegularFileSaysWhatIsWrongWithIt() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        Map<String, String> env = Map.of("SERVER_PORT", "0", "SERVER_IP", "127.0.0.1", "LOGGING_LEVEL", "INFO",
                "SERVER_STORAGE_PATH", file.resolve("bets.csv").toString());
        try (LogCapture log = LogCapture.open()) {
            assertThat(run(env, "--config", Files.writeString(dir.resolve("e.ini"), "").toString())).isEqualTo(1);

            assertThat(log.messages()).filteredOn(line -> line.contains("result: fail")).singleElement().asString()
                    .startsWith("action: start_server | result: fail | error: ")
                    .contains(file.toString())
                    .isNotEqualTo("action: start_server | result: fail | error: " + file);
        }
    }

    /** A round-log line (RoundLog's format): the record, its CRC32 in 8 hex digits, a newline. */
    private static String record(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return text + " #" + String.format("%08x", crc.getValue()) + "\n";
    }

    @Test
    void aTlsFileThatCannotBeUsedExitsOneBeforeTheStorageIsTouched() throws Exception {
        Path missing = dir.resolve("server.pem");
        Map<String, String> env = Map.of("SERVER_PORT", "0", "SERVER_IP", "127.0.0.1", "LOGGING_LEVEL", "INFO",
                "SERVER_STORAGE_PATH", dir.resolve("state").resolve("bets.csv").toString(),
                "SERVER_TLS_CERT", missing.toString(), "SERVER_TLS_KEY", dir.resolve("server.key").toString());
        try (LogCapture log = LogCapture.open()) {
            assertThat(run(env, "--config", Files.writeString(dir.resolve("e.ini"), "").toString())).isEqualTo(1);

            assertThat(log.messages()).filteredOn(line -> line.contains("result: fail")).singleElement()
                    .isEqualTo("action: start_server | result: fail | error: cannot read SERVER_TLS_CERT: no such"
                            + " file or directory: " + missing);
        }
        assertThat(dir.resolve("state")).doesNotExist();
    }

    @Test
    void aTlsKeyWithoutItsCertificateIsAConfigurationError() throws IOException {
        Map<String, String> env = Map.of("SERVER_PORT", "0", "LOGGING_LEVEL", "INFO", "SERVER_TLS_KEY", "s.key");

        assertThat(run(env, "--config", Files.writeString(dir.resolve("e.ini"), "").toString())).isEqualTo(2);
        assertThat(err().lines()).containsExactly("action: config | result: fail | error: SERVER_TLS_KEY (env"
                + " SERVER_TLS_KEY) needs SERVER_TLS_CERT: TLS is off without the server's certificate");
    }
}
