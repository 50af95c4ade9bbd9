package lottery.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import lottery.common.config.ConfigException;
import lottery.server.store.postgres.PgSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    /** The file the course's black-box tests write, byte for byte: no line end after the last line. */
    private static final String COURSE = "[DEFAULT]\nSERVER_PORT = 12345\nSERVER_IP = server\n"
            + "SERVER_LISTEN_BACKLOG = 8\nLOGGING_LEVEL = DEBUG";
    /** Every key, none at its default. */
    private static final String FULL = """
            [DEFAULT]
            SERVER_PORT = 12345
            SERVER_IP = 127.0.0.1
            SERVER_LISTEN_BACKLOG = 8
            LOGGING_LEVEL = INFO
            SERVER_AGENCIES = 3
            SERVER_STORAGE_PATH = /data/bets.csv
            SERVER_IDLE_TIMEOUT_SECONDS = 30
            SERVER_SHUTDOWN_GRACE_SECONDS = 2
            SERVER_FSYNC = false
            """;
    private static final String MINIMAL = """
            [DEFAULT]
            server_port = 12345
            server_listen_backlog: 5
            logging_level = debug
            """;
    private static final String KNOWN = "(known keys: SERVER_PORT, SERVER_IP, SERVER_LISTEN_BACKLOG, LOGGING_LEVEL,"
            + " SERVER_AGENCIES, SERVER_STORAGE_PATH, SERVER_IDLE_TIMEOUT_SECONDS, SERVER_SHUTDOWN_GRACE_SECONDS,"
            + " SERVER_FSYNC, SERVER_SECRETS_FILE, SERVER_MAX_CONNECTIONS,"
            + " SERVER_HANDSHAKE_TIMEOUT_SECONDS, SERVER_STORE, SERVER_PG_URL, SERVER_PG_USER, SERVER_PG_PASSWORD,"
            + " SERVER_PG_POOL_SIZE, SERVER_PG_BULK, SERVER_METRICS_PORT, SERVER_TLS_CERT, SERVER_TLS_KEY,"
            + " SERVER_TLS_CLIENT_CA, SERVER_TLS_CLIENT_AUTH, SERVER_TLS_REVOKED, SERVER_TLS_ALLOW_PLAIN)";

    @TempDir
    Path dir;

    private Path write(String ini) throws IOException {
        return Files.writeString(dir.resolve("config.ini"), ini, StandardCharsets.UTF_8);
    }

    private ServerConfig load(String ini, Map<String, String> env) throws IOException, ConfigException {
        return ConfigLoader.load(write(ini), true, env);
    }

    /** The message of the ConfigException that loading {@code ini} with {@code env} throws. */
    private String error(String ini, Map<String, String> env) throws IOException {
        Path file = write(ini);
        try {
            ConfigLoader.load(file, true, env);
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("no error for " + ini + " with " + env);
    }

    private String file() {
        return dir.resolve("config.ini").toString();
    }

    @Test
    void readsTheCourseFileAndLogsTheValuesItWrote() throws Exception {
        ServerConfig config = load(COURSE, Map.of());

        assertThat(config).isEqualTo(new ServerConfig(12345, 8, 5, Path.of("bets.csv"), 60, 5, true, "DEBUG",
                "server"));
        assertThat(config.logLine()).isEqualTo("action: config | result: success | port: 12345 | listen_backlog: 8"
                + " | logging_level: DEBUG | agencies: 5 | storage: bets.csv | ip: server");
    }

    @Test
    void theShippedConfigLetsALargeLotteryInAndAcksDurably() throws Exception {
        // server/config.ini as Compose mounts it (the module's tests run in lottery-server/). With the backlog of 5 it
        // had, 1,000 agencies connecting at once did not all get in within minutes.
        ServerConfig config = ConfigLoader.load(Path.of("..", "server", "config.ini"), true, Map.of());

        assertThat(config.listenBacklog()).isGreaterThanOrEqualTo(1000);
        assertThat(config.fsync()).isTrue();
        assertThat(config.maxConnections()).isGreaterThanOrEqualTo(1000);
        assertThat(config.handshakeTimeoutSeconds()).isPositive();
    }

    @Test
    void readsEveryKey() throws Exception {
        ServerConfig config = load(FULL, Map.of());

        assertThat(config).isEqualTo(new ServerConfig(12345, 8, 3, Path.of("/data/bets.csv"), 30, 2, false, "INFO",
                "127.0.0.1"));
        assertThat(config.logLine()).isEqualTo("action: config | result: success | port: 12345 | listen_backlog: 8"
                + " | logging_level: INFO | agencies: 3 | storage: /data/bets.csv | ip: 127.0.0.1");
    }

    @Test
    void optionalKeysTakeTheirDocumentedDefaultsAndKeysAndLevelsAnyCase() throws Exception {
        ServerConfig config = load(MINIMAL, Map.of());

        assertThat(config).isEqualTo(new ServerConfig(12345, 5, 5, Path.of("bets.csv"), 60, 5, true, "DEBUG",
                "0.0.0.0"));
        assertThat(load(MINIMAL + "SERVER_FSYNC = TRUE\n", Map.of()).fsync()).isTrue();
        // The level names both programs take (lottery.common.log.Logging), the original Go client's too.
        assertThat(load(MINIMAL, Map.of("LOGGING_LEVEL", "Warning")).loggingLevel()).isEqualTo("WARN");
        assertThat(load(MINIMAL + "server_fsync = False\n", Map.of()).fsync()).isFalse();
    }

    @Test
    void environmentOverridesTheFileKeyByKey() throws Exception {
        Map<String, String> env = Map.of("SERVER_PORT", "4000", "SERVER_IP", "::1", "SERVER_LISTEN_BACKLOG", "10",
                "SERVER_AGENCIES", "4", "SERVER_STORAGE_PATH", "other.csv", "SERVER_IDLE_TIMEOUT_SECONDS", "0",
                "SERVER_SHUTDOWN_GRACE_SECONDS", "1", "SERVER_FSYNC", "TRUE", "LOGGING_LEVEL", "warn");

        ServerConfig config = load(FULL, env);

        assertThat(config).isEqualTo(new ServerConfig(4000, 10, 4, Path.of("other.csv"), 0, 1, true, "WARN", "::1"));
    }

    @Test
    void environmentVariablesAreTrimmedAndOnlyTheKeysNamesCount() throws Exception {
        ServerConfig config = load(FULL, Map.of("SERVER_PORT", " 4001 ", "server_port", "9", "SERVER_COLOUR", "x"));

        assertThat(config.port()).isEqualTo(4001);
    }

    @Test
    void everyOverrideOfAValueTheFileSetsIsReportedNoneIsSilent() throws Exception {
        List<String> overrides = new ArrayList<>();

        ServerConfig config = ConfigLoader.load(write(COURSE), true, Map.of("SERVER_PORT", "4000", "SERVER_IP",
                "0.0.0.0", "SERVER_LISTEN_BACKLOG", "8", "SERVER_FSYNC", "true"), overrides);

        assertThat(config.port()).isEqualTo(4000);
        // SERVER_LISTEN_BACKLOG repeats the file's value, so it changes nothing and is not reported; SERVER_FSYNC is
        // not in the file, so it overrides nothing. The lines come in the order of the keys.
        assertThat(overrides).containsExactly(
                "action: config_override | result: success | key: SERVER_PORT | file_value: 12345 | value: 4000",
                "action: config_override | result: success | key: SERVER_IP | file_value: server | value: 0.0.0.0");
    }

    @Test
    void overrideLinesAndTheConfigLineCannotBeBrokenByTheirValues() throws Exception {
        List<String> overrides = new ArrayList<>();

        ServerConfig config = ConfigLoader.load(write(MINIMAL + "SERVER_STORAGE_PATH = a|b.csv\n"), true,
                Map.of("SERVER_STORAGE_PATH", "c|d.csv"), overrides);

        assertThat(overrides).containsExactly("action: config_override | result: success | key: SERVER_STORAGE_PATH"
                + " | file_value: a/b.csv | value: c/d.csv");
        assertThat(config.logLine()).endsWith(" | storage: c/d.csv | ip: 0.0.0.0");
    }

    @Test
    void anEmptyOrBlankEnvironmentVariableCountsAsUnset() throws Exception {
        List<String> overrides = new ArrayList<>();

        ServerConfig config = ConfigLoader.load(write(FULL), true,
                Map.of("LOGGING_LEVEL", "", "SERVER_AGENCIES", "  ", "SERVER_IP", "\t"), overrides);

        assertThat(config.loggingLevel()).isEqualTo("INFO");
        assertThat(config.agencies()).isEqualTo(3);
        assertThat(config.listenAddress()).isEqualTo("127.0.0.1");
        assertThat(overrides).isEmpty();
        // Blank does not stand in for a required key either.
        assertThat(error(MINIMAL.replace("server_port = 12345\n", ""), Map.of("SERVER_PORT", " ")))
                .startsWith("missing key SERVER_PORT");
    }

    @Test
    void aMissingDefaultFileLeavesTheEnvironmentAlone() throws Exception {
        Map<String, String> env = Map.of("SERVER_PORT", "1", "SERVER_LISTEN_BACKLOG", "2", "LOGGING_LEVEL", "ERROR");

        ServerConfig config = ConfigLoader.load(dir.resolve("absent.ini"), false, env);

        assertThat(config).isEqualTo(new ServerConfig(1, 2, 5, Path.of("bets.csv"), 60, 5, true, "ERROR"));
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("absent.ini"), false, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessage("missing key SERVER_PORT: set it in "
                        + dir.resolve("absent.ini") + " (no such file) or in the environment variable SERVER_PORT");
    }

    @Test
    void aMissingExplicitFileIsAnError() {
        Map<String, String> env = Map.of("SERVER_PORT", "1", "SERVER_LISTEN_BACKLOG", "2", "LOGGING_LEVEL", "ERROR");

        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("absent.ini"), true, env))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config file " + dir.resolve("absent.ini") + " does not exist");
    }

    @Test
    void eachMissingRequiredKeyIsAnErrorNamingTheFileAndTheVariable() throws Exception {
        assertThat(error(MINIMAL.replace("server_port = 12345\n", ""), Map.of())).isEqualTo(
                "missing key SERVER_PORT: set it in " + file() + " or in the environment variable SERVER_PORT");
        // The backlog has a default (1024), so the course's file may leave it out.
        assertThat(load(MINIMAL.replace("server_listen_backlog: 5\n", ""), Map.of()).listenBacklog())
                .isEqualTo(ServerConfig.DEFAULT_LISTEN_BACKLOG);
        assertThat(error(MINIMAL.replace("logging_level = debug\n", ""), Map.of())).isEqualTo(
                "missing key LOGGING_LEVEL: set it in " + file() + " or in the environment variable LOGGING_LEVEL");
    }

    @Test
    void anEmptyFileNeedsTheEnvironmentForTheRequiredKeys() throws Exception {
        assertThat(error("", Map.of())).startsWith("missing key SERVER_PORT");
        assertThat(load("", Map.of("SERVER_PORT", "1", "SERVER_LISTEN_BACKLOG", "2", "LOGGING_LEVEL", "INFO")).port())
                .isEqualTo(1);
    }

    @Test
    void unknownKeysAreErrorsNamingTheKeyAndListingTheKnownOnes() throws IOException {
        assertThat(error(FULL.replace("SERVER_FSYNC", "SERVER_FSNYC"), Map.of()))
                .isEqualTo(file() + " line 10: unknown key SERVER_FSNYC " + KNOWN);
        // The YAML names of the keys are not INI names.
        assertThat(error("[DEFAULT]\nport = 1\n", Map.of()))
                .isEqualTo(file() + " line 2: unknown key PORT " + KNOWN);
    }

    @Test
    void theParsersErrorsReachTheOperatorWithFileAndLine() throws IOException {
        assertThat(error("[server]\nSERVER_PORT = 1\n", Map.of()))
                .isEqualTo(file() + " line 1: section [server]: only [DEFAULT] is read");
        assertThat(error(FULL + "server_port = 1\n", Map.of()))
                .isEqualTo(file() + " line 11: duplicate key SERVER_PORT (first on line 2)");
        // The old YAML file, given as config.ini.
        assertThat(error("server:\n  port: 12345\n", Map.of()))
                .isEqualTo(file() + " line 1: key before the section header: the file must start with [DEFAULT]");
    }

    @Test
    void valuesOfTheWrongTypeAreErrorsSayingWhereTheyCameFrom() throws IOException {
        assertThat(error(FULL.replace("SERVER_PORT = 12345", "SERVER_PORT = twelve"), Map.of()))
                .isEqualTo("SERVER_PORT must be an integer, not 'twelve' (" + file() + " line 2)");
        assertThat(error(FULL.replace("SERVER_PORT = 12345", "SERVER_PORT = 1.5"), Map.of()))
                .isEqualTo("SERVER_PORT must be an integer, not '1.5' (" + file() + " line 2)");
        // Not a Java-only integer either: no Unicode digits, no underscores.
        assertThat(error(FULL.replace("SERVER_PORT = 12345", "SERVER_PORT = \u0661\u0662"), Map.of()))
                .startsWith("SERVER_PORT must be an integer");
        assertThat(error(FULL.replace("SERVER_PORT = 12345", "SERVER_PORT = 12_345"), Map.of()))
                .startsWith("SERVER_PORT must be an integer");
        assertThat(error(FULL.replace("SERVER_FSYNC = false", "SERVER_FSYNC = 1"), Map.of()))
                .isEqualTo("SERVER_FSYNC must be true or false, not '1' (" + file() + " line 10)");
        // No inline comments: the comment is part of the value.
        assertThat(error(FULL.replace("SERVER_LISTEN_BACKLOG = 8", "SERVER_LISTEN_BACKLOG = 8 # queue"), Map.of()))
                .isEqualTo("SERVER_LISTEN_BACKLOG must be an integer, not '8 # queue' (" + file() + " line 4)");
    }

    @Test
    void badEnvironmentValuesAreErrorsNamingTheVariable() throws IOException {
        assertThat(error(FULL, Map.of("SERVER_PORT", "80a")))
                .isEqualTo("SERVER_PORT must be an integer, not '80a' (env SERVER_PORT)");
        assertThat(error(FULL, Map.of("SERVER_FSYNC", "yes")))
                .isEqualTo("SERVER_FSYNC must be true or false, not 'yes' (env SERVER_FSYNC)");
        assertThat(error(FULL, Map.of("SERVER_IDLE_TIMEOUT_SECONDS", "-1")))
                .isEqualTo("SERVER_IDLE_TIMEOUT_SECONDS -1 is not in 0..86400 (env SERVER_IDLE_TIMEOUT_SECONDS)");
        assertThat(error(FULL, Map.of("LOGGING_LEVEL", "loud")))
                .isEqualTo("LOGGING_LEVEL 'loud' is not one of TRACE, DEBUG, INFO, WARN, ERROR (env LOGGING_LEVEL)");
        assertThat(error(FULL, Map.of("SERVER_STORAGE_PATH", "a\u0000b")))
                .startsWith("SERVER_STORAGE_PATH 'a\u0000b' is not a valid path: ")
                .endsWith(" (env SERVER_STORAGE_PATH)");
    }

    @Test
    void outOfRangeValuesAndUnknownLevelsAreErrors() throws IOException {
        assertThat(error(FULL.replace("SERVER_PORT = 12345", "SERVER_PORT = 70000"), Map.of()))
                .isEqualTo("SERVER_PORT 70000 is not in 0..65535 (" + file() + " line 2)");
        assertThat(error(FULL.replace("SERVER_PORT = 12345", "SERVER_PORT = 99999999999999999999"), Map.of()))
                .isEqualTo("SERVER_PORT 99999999999999999999 is not in 0..65535 (" + file() + " line 2)");
        assertThat(error(FULL.replace("SERVER_LISTEN_BACKLOG = 8", "SERVER_LISTEN_BACKLOG = 0"), Map.of()))
                .isEqualTo("SERVER_LISTEN_BACKLOG 0 is not in 1..65535 (" + file() + " line 4)");
        assertThat(error(FULL.replace("SERVER_AGENCIES = 3", "SERVER_AGENCIES = -1"), Map.of()))
                .isEqualTo("SERVER_AGENCIES -1 is not in 0..65535 (" + file() + " line 6)");
        assertThat(error(FULL.replace("LOGGING_LEVEL = INFO", "LOGGING_LEVEL = VERBOSE"), Map.of()))
                .isEqualTo("LOGGING_LEVEL 'VERBOSE' is not one of TRACE, DEBUG, INFO, WARN, ERROR (" + file()
                        + " line 5)");
        // configparser does not strip quotes, so neither does the loader.
        assertThat(error(FULL.replace("LOGGING_LEVEL = INFO", "LOGGING_LEVEL = \"INFO\""), Map.of()))
                .startsWith("LOGGING_LEVEL '\"INFO\"' is not one of");
    }

    /** An integer key, its documented range and the component it sets. */
    private record IntKey(String name, int min, int max, ToIntFunction<ServerConfig> component) {
    }

    @Test
    void everyIntegerKeyAcceptsItsDocumentedBoundsAndRejectsOneBeyond() throws Exception {
        // The loader's ranges must be the ones ServerConfig enforces: a bound the loader accepts but the record does
        // not would fail here as an IllegalArgumentException turned ConfigException.
        List<IntKey> keys = List.of(
                new IntKey("SERVER_PORT", 0, 65535, ServerConfig::port),
                new IntKey("SERVER_LISTEN_BACKLOG", 1, 65535, ServerConfig::listenBacklog),
                new IntKey("SERVER_AGENCIES", 0, 65535, ServerConfig::agencies),
                new IntKey("SERVER_IDLE_TIMEOUT_SECONDS", 0, 86_400, ServerConfig::idleTimeoutSeconds),
                new IntKey("SERVER_SHUTDOWN_GRACE_SECONDS", 0, 3_600, ServerConfig::shutdownGraceSeconds));
        for (IntKey key : keys) {
            for (int good : new int[] {key.min(), key.max()}) {
                ServerConfig config = load(FULL, Map.of(key.name(), String.valueOf(good)));
                assertThat(key.component().applyAsInt(config)).as(key.name()).isEqualTo(good);
            }
            for (int bad : new int[] {key.min() - 1, key.max() + 1}) {
                assertThat(error(FULL, Map.of(key.name(), String.valueOf(bad)))).isEqualTo(key.name() + " " + bad
                        + " is not in " + key.min() + ".." + key.max() + " (env " + key.name() + ")");
            }
        }
        assertThat(load(FULL, Map.of("SERVER_PORT", "+80")).port()).isEqualTo(80);
    }

    @Test
    void theStoreIsTheCsvFileUnlessPostgresIsAskedWithItsUrl() throws Exception {
        assertThat(load(COURSE, Map.of()).postgres()).isNull();
        assertThat(load(COURSE, Map.of("SERVER_STORE", "CSV")).sharedStore()).isFalse();

        ServerConfig config = load(COURSE + "\nSERVER_STORE = postgres\nSERVER_PG_URL = jdbc:postgresql://db:5432/lottery"
                + "\nSERVER_PG_USER = lottery\nSERVER_PG_PASSWORD = s3cret", Map.of("SERVER_PG_BULK", "insert"));
        assertThat(config.postgres()).isEqualTo(new PgSettings("jdbc:postgresql://db:5432/lottery", "lottery",
                "s3cret", 4, PgSettings.Bulk.INSERT));
        assertThat(config.storeLine()).isEqualTo("action: store | result: success | store: postgres | url:"
                + " jdbc:postgresql://db:5432/lottery | user: lottery | pool: 4 | bulk: insert");
        assertThat(config.toString()).doesNotContain("s3cret");
        assertThat(load(COURSE, Map.of("SERVER_STORE", "postgres", "SERVER_PG_URL", "jdbc:postgresql://db/l"))
                .postgres().user()).isEqualTo("postgres");
    }

    @Test
    void aBadStoreSettingIsAnErrorThatNamesIt() throws Exception {
        assertThat(error(COURSE, Map.of("SERVER_STORE", "mysql")))
                .isEqualTo("SERVER_STORE 'mysql' (env SERVER_STORE) is not csv or postgres");
        assertThat(error(COURSE, Map.of("SERVER_STORE", "postgres")))
                .startsWith("SERVER_PG_URL is required with SERVER_STORE=postgres");
        assertThat(error(COURSE, Map.of("SERVER_STORE", "postgres", "SERVER_PG_URL", "postgres://db/lottery")))
                .contains("is not jdbc:postgresql://HOST[:PORT]/DATABASE");
        assertThat(error(COURSE, Map.of("SERVER_STORE", "postgres",
                "SERVER_PG_URL", "jdbc:postgresql://db/lottery?password=x")))
                .isEqualTo("SERVER_PG_URL must not carry the password: set SERVER_PG_PASSWORD");
        assertThat(error(COURSE, Map.of("SERVER_STORE", "postgres", "SERVER_PG_URL", "jdbc:postgresql://db/l",
                "SERVER_PG_BULK", "fast"))).isEqualTo("SERVER_PG_BULK 'fast' is not copy or insert (env SERVER_PG_BULK)");
        assertThat(error(COURSE, Map.of("SERVER_PG_POOL_SIZE", "1")))
                .isEqualTo("SERVER_PG_POOL_SIZE 1 is not in 2..64 (env SERVER_PG_POOL_SIZE)");
    }

    @Test
    void anOverriddenPasswordIsNeverInTheOverrideLine() throws Exception {
        List<String> overrides = new ArrayList<>();
        ConfigLoader.load(write(COURSE + "\nSERVER_PG_PASSWORD = old-secret"), true,
                Map.of("SERVER_PG_PASSWORD", "new-secret", "SERVER_PORT", "1"), overrides);
        assertThat(overrides).contains("action: config_override | result: success | key: SERVER_PG_PASSWORD"
                + " | file_value: *** | value: ***");
        assertThat(String.join("\n", overrides)).doesNotContain("secret");
    }

    @Test
    void theOpsEndpointIsOffUnlessItsPortIsSet() throws Exception {
        assertThat(load(COURSE, Map.of()).metricsPort()).isEqualTo(ServerConfig.METRICS_OFF);
        assertThat(load(COURSE, Map.of()).opsEnabled()).isFalse();
        assertThat(load(COURSE, Map.of("SERVER_METRICS_PORT", " ")).opsEnabled()).isFalse();
        assertThat(load(COURSE + "\nSERVER_METRICS_PORT = 9464", Map.of()).metricsPort()).isEqualTo(9464);
        assertThat(load(COURSE, Map.of("SERVER_METRICS_PORT", "0")).metricsPort()).isZero();
        assertThat(error(COURSE, Map.of("SERVER_METRICS_PORT", "65536")))
                .isEqualTo("SERVER_METRICS_PORT 65536 is not in 0..65535 (env SERVER_METRICS_PORT)");
        assertThat(error(COURSE, Map.of("SERVER_METRICS_PORT", "12345")))
                .isEqualTo("SERVER_METRICS_PORT 12345 is SERVER_PORT too");
    }

    @Test
    void tlsIsOffUnlessTheCertificateIsSetAndTakesItsKeys() throws Exception {
        assertThat(load(COURSE, Map.of()).tls()).isNull();

        ServerConfig config = load(COURSE, Map.of("SERVER_TLS_CERT", "/run/tls/server.pem", "SERVER_TLS_KEY",
                "/run/tls/server.key", "SERVER_TLS_CLIENT_CA", "/run/tls/ca.pem", "SERVER_TLS_REVOKED",
                "/run/tls/revoked.txt"));

        assertThat(config.tls()).isEqualTo(new lottery.server.net.TlsSettings(Path.of("/run/tls/server.pem"),
                Path.of("/run/tls/server.key"), Path.of("/run/tls/ca.pem"),
                lottery.server.net.TlsSettings.ClientAuth.REQUIRE, Path.of("/run/tls/revoked.txt"), false));
        assertThat(load(COURSE + "\nSERVER_TLS_CERT = s.pem\nSERVER_TLS_KEY = s.key\nSERVER_TLS_CLIENT_CA = ca.pem\n"
                + "SERVER_TLS_CLIENT_AUTH = Optional\nSERVER_TLS_ALLOW_PLAIN = true\n", Map.of()).tls())
                .isEqualTo(new lottery.server.net.TlsSettings(Path.of("s.pem"), Path.of("s.key"), Path.of("ca.pem"),
                        lottery.server.net.TlsSettings.ClientAuth.OPTIONAL, null, true));
    }

    @Test
    void tlsKeysThatDoNotGoTogetherAreErrorsNamingTheKey() throws Exception {
        assertThat(error(COURSE, Map.of("SERVER_TLS_KEY", "s.key")))
                .startsWith("SERVER_TLS_KEY (env SERVER_TLS_KEY)").contains("needs SERVER_TLS_CERT");
        assertThat(error(COURSE, Map.of("SERVER_TLS_CERT", "s.pem")))
                .startsWith("SERVER_TLS_CERT (env SERVER_TLS_CERT)").contains("needs SERVER_TLS_KEY");
        assertThat(error(COURSE, Map.of("SERVER_TLS_CLIENT_CA", "ca.pem"))).contains("needs SERVER_TLS_CERT");
        assertThat(error(COURSE, Map.of("SERVER_TLS_ALLOW_PLAIN", "true"))).contains("needs SERVER_TLS_CERT");
        Map<String, String> tls = Map.of("SERVER_TLS_CERT", "s.pem", "SERVER_TLS_KEY", "s.key");
        Map<String, String> withAuth = new java.util.HashMap<>(tls);
        withAuth.put("SERVER_TLS_CLIENT_AUTH", "require");
        assertThat(error(COURSE, withAuth)).startsWith("SERVER_TLS_CLIENT_AUTH").contains("needs SERVER_TLS_CLIENT_CA");
        Map<String, String> withRevoked = new java.util.HashMap<>(tls);
        withRevoked.put("SERVER_TLS_REVOKED", "revoked.txt");
        assertThat(error(COURSE, withRevoked)).startsWith("SERVER_TLS_REVOKED").contains("SERVER_TLS_CLIENT_CA");
        Map<String, String> badAuth = new java.util.HashMap<>(tls);
        badAuth.put("SERVER_TLS_CLIENT_CA", "ca.pem");
        badAuth.put("SERVER_TLS_CLIENT_AUTH", "sometimes");
        assertThat(error(COURSE, badAuth)).isEqualTo("SERVER_TLS_CLIENT_AUTH 'sometimes' (env"
                + " SERVER_TLS_CLIENT_AUTH) is not require or optional");
    }
}
