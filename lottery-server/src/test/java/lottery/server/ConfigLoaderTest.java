package lottery.server;

import lottery.server.config.ConfigException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    /** The file the deploy scripts write, key for key. */
    private static final String FULL = """
            server:
              port: 12345
              listen_backlog: 5
              agencies: 5
              storage_path: ./bets.csv
              idle_timeout_seconds: 60
              shutdown_grace_seconds: 5
              fsync: false
            logging:
              level: INFO
            """;
    private static final String MINIMAL = """
            server:
              port: 12345
              listen_backlog: 5
            logging:
              level: debug
            """;

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("config.yaml"), yaml, StandardCharsets.UTF_8);
    }

    private ServerConfig load(String yaml, Map<String, String> env) throws IOException, ConfigException {
        return ConfigLoader.load(write(yaml), true, env);
    }

    @Test
    void readsEveryKeyOfTheDeployedFile() throws Exception {
        ServerConfig config = load(FULL, Map.of());

        assertThat(config).isEqualTo(new ServerConfig(12345, 5, 5, Path.of("./bets.csv"), 60, 5, false, "INFO"));
        assertThat(config.logLine()).isEqualTo("action: config | result: success | port: 12345 | listen_backlog: 5"
                + " | logging_level: INFO | agencies: 5 | storage: ./bets.csv");
    }

    @Test
    void optionalKeysTakeTheirDocumentedDefaultsAndLevelsAnyCase() throws Exception {
        ServerConfig config = load(MINIMAL, Map.of());

        assertThat(config).isEqualTo(new ServerConfig(12345, 5, 5, Path.of("./bets.csv"), 60, 5, false, "DEBUG"));
    }

    @Test
    void environmentOverridesTheFileKeyByKey() throws Exception {
        Map<String, String> env = Map.of("SERVER_PORT", "4000", "SERVER_LISTEN_BACKLOG", "10",
                "SERVER_AGENCIES", "3", "SERVER_STORAGE_PATH", "/data/bets.csv", "SERVER_IDLE_TIMEOUT_SECONDS", "0",
                "SERVER_SHUTDOWN_GRACE_SECONDS", "1", "SERVER_FSYNC", "TRUE", "LOGGING_LEVEL", "warn");

        ServerConfig config = load(FULL, env);

        assertThat(config).isEqualTo(new ServerConfig(4000, 10, 3, Path.of("/data/bets.csv"), 0, 1, true, "WARN"));
    }

    @Test
    void everyOverrideOfAValueTheFileSetsIsReportedNoneIsSilent() throws Exception {
        List<String> overrides = new ArrayList<>();

        ServerConfig config = ConfigLoader.load(write(FULL), true,
                Map.of("SERVER_AGENCIES", "3", "SERVER_PORT", "12345", "SERVER_FSYNC", "true"), overrides);

        assertThat(config.agencies()).isEqualTo(3);
        // SERVER_PORT repeats the file's value, so it changes nothing and is not reported.
        assertThat(overrides).containsExactly(
                "action: config_override | result: success | key: server.agencies | env: SERVER_AGENCIES"
                        + " | file_value: 5 | value: 3",
                "action: config_override | result: success | key: server.fsync | env: SERVER_FSYNC"
                        + " | file_value: false | value: true");
    }

    @Test
    void anEmptyEnvironmentVariableCountsAsUnset() throws Exception {
        ServerConfig config = load(FULL, Map.of("LOGGING_LEVEL", "", "SERVER_AGENCIES", "  "));

        assertThat(config.loggingLevel()).isEqualTo("INFO");
        assertThat(config.agencies()).isEqualTo(5);
    }

    @Test
    void aMissingDefaultFileLeavesTheEnvironmentAlone() throws Exception {
        Map<String, String> env = Map.of("SERVER_PORT", "1", "SERVER_LISTEN_BACKLOG", "2", "LOGGING_LEVEL", "ERROR");

        ServerConfig config = ConfigLoader.load(dir.resolve("absent.yaml"), false, env);

        assertThat(config.port()).isEqualTo(1);
        assertThat(config.loggingLevel()).isEqualTo("ERROR");
    }

    @Test
    void aMissingExplicitFileIsAnError() {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("absent.yaml"), true, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("absent.yaml does not exist");
    }

    @Test
    void aMissingRequiredKeyIsAnErrorNamingKeyAndVariable() {
        assertThatThrownBy(() -> load(MINIMAL.replace("  port: 12345\n", ""), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("missing key server.port in ").hasMessageEndingWith("(or env SERVER_PORT)");
        assertThatThrownBy(() -> load("server:\n  port: 1\n  listen_backlog: 1\n", Map.of()))
                .hasMessageStartingWith("missing key logging.level");
    }

    @Test
    void unknownKeysAreErrorsNotSilentlyIgnored() {
        assertThatThrownBy(() -> load(FULL.replace("fsync:", "fsnyc:"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("unknown key server.fsnyc");
        assertThatThrownBy(() -> load(FULL + "batch:\n  maxAmount: 3\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("unknown key batch");
    }

    @Test
    void valuesOfTheWrongTypeAreErrors() {
        assertThatThrownBy(() -> load(FULL.replace("port: 12345", "port: twelve"), Map.of()))
                .hasMessage("key server.port must be an integer, not '\"twelve\"'");
        assertThatThrownBy(() -> load(FULL.replace("fsync: false", "fsync: 1"), Map.of()))
                .hasMessage("key server.fsync must be true or false, not '1'");
        assertThatThrownBy(() -> load(FULL.replace("level: INFO", "level: [INFO]"), Map.of()))
                .hasMessageStartingWith("key logging.level must be a string");
        assertThatThrownBy(() -> load(FULL.replace("port: 12345", "port: 1.5"), Map.of()))
                .hasMessageStartingWith("key server.port must be an integer");
        assertThatThrownBy(() -> load("server: 3\n", Map.of()))
                .hasMessageStartingWith("key server in ").hasMessageEndingWith("must be a mapping");
    }

    @Test
    void badEnvironmentValuesAreErrors() {
        assertThatThrownBy(() -> load(FULL, Map.of("SERVER_PORT", "80a")))
                .hasMessage("server.port (env SERVER_PORT) must be an integer, not '80a'");
        assertThatThrownBy(() -> load(FULL, Map.of("SERVER_FSYNC", "yes")))
                .hasMessage("server.fsync (env SERVER_FSYNC) must be true or false, not 'yes'");
    }

    @Test
    void outOfRangeValuesAndUnknownLevelsAreErrors() {
        assertThatThrownBy(() -> load(FULL.replace("port: 12345", "port: 70000"), Map.of()))
                .hasMessage("server.port 70000 is not in 0..65535");
        assertThatThrownBy(() -> load(FULL.replace("listen_backlog: 5", "listen_backlog: 0"), Map.of()))
                .hasMessage("server.listen_backlog 0 is not in 1..65535");
        assertThatThrownBy(() -> load(FULL.replace("agencies: 5", "agencies: -1"), Map.of()))
                .hasMessage("server.agencies -1 is not in 0..65535");
        assertThatThrownBy(() -> load(FULL.replace("level: INFO", "level: VERBOSE"), Map.of()))
                .hasMessage("logging.level 'VERBOSE' is not one of TRACE, DEBUG, INFO, WARN, ERROR");
        assertThatThrownBy(() -> load(FULL.replace("storage_path: ./bets.csv", "storage_path: ''"), Map.of()))
                .hasMessage("server.storage_path is empty");
    }

    @Test
    void invalidYamlAndDuplicateKeysAreErrors() {
        assertThatThrownBy(() -> load("server:\n  port: [1,\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("is not valid YAML");
        assertThatThrownBy(() -> load(FULL.replace("  fsync: false\n", "  fsync: false\n  port: 1\n"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("Duplicate field 'port'");
    }

    @Test
    void anEmptyFileNeedsTheEnvironmentForTheRequiredKeys() {
        assertThatThrownBy(() -> load("", Map.of())).hasMessageStartingWith("missing key server.port");
    }
}
