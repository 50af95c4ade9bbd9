package lottery.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The record's own checks, for the callers that build it without {@link ConfigLoader} (tests, benchmarks). */
class ServerConfigTest {
    private static final Path BETS = Path.of("bets.csv");

    @Test
    void theConstructorWithoutAnAddressListensOnEveryInterface() {
        ServerConfig config = new ServerConfig(1, 2, 3, BETS, 4, 5, true, "info");

        assertThat(config).isEqualTo(new ServerConfig(1, 2, 3, BETS, 4, 5, true, "INFO", "0.0.0.0"));
        assertThat(config.listenAddress()).isEqualTo(ServerConfig.ANY_ADDRESS);
    }

    @Test
    void theAddressIsTrimmedAndMustNotBeBlank() {
        assertThat(new ServerConfig(1, 2, 3, BETS, 4, 5, true, "INFO", " server ").listenAddress())
                .isEqualTo("server");
        assertThatThrownBy(() -> new ServerConfig(1, 2, 3, BETS, 4, 5, true, "INFO", " "))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("SERVER_IP is empty");
        assertThatThrownBy(() -> new ServerConfig(1, 2, 3, BETS, 4, 5, true, "INFO", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("SERVER_IP is empty");
    }

    @Test
    void outOfRangeValuesAnEmptyPathAndUnknownLevelsAreRejectedWithTheKeysName() {
        assertThatThrownBy(() -> new ServerConfig(65536, 2, 3, BETS, 4, 5, true, "INFO"))
                .hasMessage("SERVER_PORT 65536 is not in 0..65535");
        assertThatThrownBy(() -> new ServerConfig(1, 0, 3, BETS, 4, 5, true, "INFO"))
                .hasMessage("SERVER_LISTEN_BACKLOG 0 is not in 1..65535");
        assertThatThrownBy(() -> new ServerConfig(1, 2, 3, Path.of(""), 4, 5, true, "INFO"))
                .hasMessage("SERVER_STORAGE_PATH is empty");
        assertThatThrownBy(() -> new ServerConfig(1, 2, 3, BETS, 4, 5, true, "LOUD"))
                .hasMessage("LOGGING_LEVEL 'LOUD' is not one of TRACE, DEBUG, INFO, WARN, ERROR");
    }

    @Test
    void theConfigLineEndsWithTheAddress() {
        assertThat(new ServerConfig(1, 2, 3, BETS, 4, 5, true, "WARN", "10.0.0.1").logLine()).isEqualTo(
                "action: config | result: success | port: 1 | listen_backlog: 2 | logging_level: WARN | agencies: 3"
                        + " | storage: bets.csv | ip: 10.0.0.1");
    }

    @Test
    void theDetailsLineSaysWhetherAcksAreDurableAndAgenciesAuthenticated() {
        ServerConfig config = new ServerConfig(1, 2, 3, Path.of("b.csv"), 60, 5, true, "INFO", "0.0.0.0",
                Path.of("secrets"), 100, 10);

        assertThat(config.detailsLine()).isEqualTo("action: config_details | result: success | fsync: true"
                + " | authentication: on | max_connections: 100 | handshake_timeout_seconds: 10"
                + " | idle_timeout_seconds: 60 | shutdown_grace_seconds: 5");
        assertThat(config.withSecretsFile(null).detailsLine()).contains("| authentication: off |");
    }
}
