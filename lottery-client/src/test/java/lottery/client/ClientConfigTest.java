package lottery.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import lottery.client.ClientConfig.Mode;
import lottery.client.testing.LogCapture;
import lottery.protocol.message.Bet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientConfigTest {
    /** The file the course's tests write: the skeleton's five keys only. */
    private static final String SKELETON_YAML = """
            server:
              address: "server:12345"
            loop:
              amount: 5
              period: "5s"
            log:
              level: "INFO"
            batch:
              maxAmount: 100
            """;

    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        return Files.writeString(dir.resolve("config.yaml"), text, StandardCharsets.UTF_8);
    }

    private Path betsFile() throws IOException {
        return Files.writeString(dir.resolve("agency-7.csv"), "A,B,1,2000-01-01,1\n");
    }

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void readsTheSkeletonFileWithDefaultsForTheAddedKeys() throws Exception {
        ClientConfig config = ClientConfig.load(yaml(SKELETON_YAML), true, env("CLI_ID", "3", "CLI_MODE", "echo"));

        assertThat(config.id()).isEqualTo(3);
        assertThat(config.server()).hasToString("server:12345");
        assertThat(config.loopAmount()).isEqualTo(5);
        assertThat(config.loopPeriod()).hasToString("5s");
        assertThat(config.logLevel()).isEqualTo("INFO");
        assertThat(config.batchMaxAmount()).isEqualTo(100);
        assertThat(config.mode()).isEqualTo(Mode.ECHO);
        assertThat(config.dataFile()).isEqualTo("/data/agency-3.csv");
        assertThat(config.connectTimeout()).hasToString("30s");
        assertThat(config.winnersTimeout()).hasToString("1m0s");
        assertThat(config.singleBet()).isEmpty();
    }

    @Test
    void theDeployFileWithEveryKeyAndTheIdPlaceholder() throws Exception {
        betsFile();
        ClientConfig config = ClientConfig.load(yaml("""
                server:
                  address: "server:12345"
                loop:
                  amount: 5
                  period: "5s"
                log:
                  level: "DEBUG"
                batch:
                  maxAmount: 163
                mode: lottery
                data:
                  file: "%s/agency-{id}.csv"
                connect:
                  timeout: "1m30s"
                winners:
                  timeout: "2h"
                """.formatted(dir)), true, env("CLI_ID", "7"));

        assertThat(config.mode()).isEqualTo(Mode.LOTTERY);
        assertThat(config.dataFile()).isEqualTo(dir + "/agency-7.csv");
        assertThat(config.connectTimeout()).hasToString("1m30s");
        assertThat(config.winnersTimeout()).hasToString("2h0m0s");
    }

    @Test
    void environmentOverridesTheFile() throws Exception {
        Path bets = betsFile();
        ClientConfig config = ClientConfig.load(yaml(SKELETON_YAML), true, env(
                "CLI_ID", "2",
                "CLI_SERVER_ADDRESS", "10.0.0.9:4000",
                "CLI_LOOP_AMOUNT", "500",
                "CLI_LOOP_PERIOD", "150ms",
                "CLI_LOG_LEVEL", "debug",
                "CLI_BATCH_MAXAMOUNT", "64",
                "CLI_MODE", "LOTTERY",
                "CLI_DATA_FILE", bets.toString(),
                "CLI_CONNECT_TIMEOUT", "2s",
                "CLI_WINNERS_TIMEOUT", "1.5s",
                "CLI_LOOP_UNRELATED", "ignored"));

        assertThat(config.server()).hasToString("10.0.0.9:4000");
        assertThat(config.loopAmount()).isEqualTo(500);
        assertThat(config.loopPeriod()).hasToString("150ms");
        assertThat(config.logLevel()).isEqualTo("DEBUG");
        assertThat(config.batchMaxAmount()).isEqualTo(64);
        assertThat(config.mode()).isEqualTo(Mode.LOTTERY);
        assertThat(config.dataFile()).isEqualTo(bets.toString());
        assertThat(config.connectTimeout()).hasToString("2s");
        assertThat(config.winnersTimeout()).hasToString("1.5s");
    }

    @Test
    void anEmptyVariableDoesNotOverride() throws Exception {
        ClientConfig config = ClientConfig.load(yaml(SKELETON_YAML), true,
                env("CLI_ID", "1", "CLI_MODE", "echo", "CLI_LOOP_PERIOD", ""));
        assertThat(config.loopPeriod()).hasToString("5s");
    }

    @Test
    void theEnvironmentAloneIsEnoughWhenTheDefaultFileIsAbsent() throws Exception {
        ClientConfig config = ClientConfig.load(dir.resolve("absent.yaml"), false, env("CLI_ID", "4",
                "CLI_MODE", "echo", "CLI_SERVER_ADDRESS", "[::1]:12345", "CLI_LOOP_AMOUNT", "0",
                "CLI_LOOP_PERIOD", "0", "CLI_LOG_LEVEL", "warning"));
        assertThat(config.server().host()).isEqualTo("::1");
        assertThat(config.server()).hasToString("[::1]:12345");
        assertThat(config.loopPeriod()).hasToString("0s");
        assertThat(config.logLevel()).isEqualTo("WARN");
    }

    @Test
    void theSingleBetComesFromTheEnvironment() throws Exception {
        ClientConfig config = ClientConfig.load(yaml(SKELETON_YAML), true, env("CLI_ID", "1",
                "NOMBRE", "Santiago Lionel", "APELLIDO", "Lorca", "DOCUMENTO", "30904465",
                "NACIMIENTO", "1999-03-17", "NUMERO", "7574"));
        assertThat(config.singleBet()).contains(
                new Bet("Santiago Lionel", "Lorca", "30904465", LocalDate.of(1999, 3, 17), 7574));
        assertThat(config.withMode(Mode.ECHO).singleBet()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "no CLI_ID;                 CLI_ID=;                     CLI_ID is not set",
            "CLI_ID zero;               CLI_ID=0;                    CLI_ID = '0' is invalid: not in 1..65535",
            "CLI_ID text;               CLI_ID=uno;                  CLI_ID = 'uno' is invalid: not an integer",
            "bad address;               CLI_SERVER_ADDRESS=server;   'server' is not host:port",
            "bad port;                  CLI_SERVER_ADDRESS=server:0; port 0 is not in 1..65535",
            "bad amount;                CLI_LOOP_AMOUNT=-1;          config key 'loop.amount' = '-1' from environment variable CLI_LOOP_AMOUNT is invalid: not in 0",
            "bad period;                CLI_LOOP_PERIOD=5;           time: missing unit in duration",
            "negative period;           CLI_LOOP_PERIOD=-1s;         a negative duration",
            "bad level;                 CLI_LOG_LEVEL=LOUD;          not one of TRACE, DEBUG, INFO, WARN, ERROR",
            "batch too big;             CLI_BATCH_MAXAMOUNT=70000;   'batch.maxAmount' = '70000'",
            "batch zero;                CLI_BATCH_MAXAMOUNT=0;       not in 1..65535",
            "bad mode;                  CLI_MODE=poker;              not 'lottery' or 'echo'",
            "zero winners timeout;      CLI_WINNERS_TIMEOUT=0s;      a zero duration",
            "default data file absent;  CLI_MODE=lottery;            data.file /data/agency-1.csv is not a readable file",
            "missing data file;         CLI_DATA_FILE=/nonexistent/agency-{id}.csv; data.file /nonexistent/agency-1.csv is not a readable file",
            "partial bet;               NOMBRE=Ana;                  APELLIDO, DOCUMENTO, NACIMIENTO, NUMERO missing",
    })
    void refusesBadValuesWithOneClearMessage(String name, String variable, String message) throws Exception {
        Map<String, String> env = env("CLI_ID", "1", "CLI_MODE", "echo");
        String[] pair = variable.split("=", 2);
        env.put(pair[0], pair[1]);
        if (pair[0].equals("CLI_DATA_FILE") || pair[0].equals("NOMBRE")) {
            env.put("CLI_MODE", "lottery");
        }
        Path file = yaml(SKELETON_YAML);
        assertThatThrownBy(() -> ClientConfig.load(file, true, env))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(message.strip());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "NACIMIENTO=1999-02-30;   birthdate '1999-02-30' is not a date YYYY-MM-DD",
            "NUMERO=10000;            number 10000 is not in 0..9999",
            "NUMERO=7a;               number '7a' is not a number",
            "DOCUMENTO=30.904.465;    document '30.904.465' is not all digits",
            "NOMBRE=' ';              first name is empty",
    })
    void refusesAnInvalidEnvironmentBet(String variable, String message) throws Exception {
        Map<String, String> env = env("CLI_ID", "1", "NOMBRE", "Ana", "APELLIDO", "Pérez", "DOCUMENTO", "1",
                "NACIMIENTO", "2000-01-01", "NUMERO", "1");
        String[] pair = variable.split("=", 2);
        env.put(pair[0], pair[1].replace("'", ""));
        Path file = yaml(SKELETON_YAML);
        assertThatThrownBy(() -> ClientConfig.load(file, true, env))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bet from the environment: " + message);
    }

    @Test
    void anEmptyDataFileInTheFileMeansNoBets() throws Exception {
        Path file = yaml(SKELETON_YAML + "data:\n  file: \"\"\n");
        assertThatThrownBy(() -> ClientConfig.load(file, true, env("CLI_ID", "1")))
                .hasMessageStartingWith("lottery mode has no bets to send: set data.file (CLI_DATA_FILE) or the"
                        + " variables NOMBRE, APELLIDO, DOCUMENTO, NACIMIENTO, NUMERO");
        assertThat(ClientConfig.load(file, true, env("CLI_ID", "1", "CLI_MODE", "echo")).dataFile()).isEmpty();
    }

    @Test
    void aMissingRequiredKeyIsNamedWithItsVariable() throws Exception {
        Path file = yaml(SKELETON_YAML.replace("  period: \"5s\"\n", ""));
        assertThatThrownBy(() -> ClientConfig.load(file, true, env("CLI_ID", "1", "CLI_MODE", "echo")))
                .hasMessage("config key 'loop.period' is missing (set it in the config file or CLI_LOOP_PERIOD)");
    }

    @Test
    void refusesUnknownKeysAndWrongShapes() throws Exception {
        Map<String, String> env = env("CLI_ID", "1", "CLI_MODE", "echo");
        Path unknown = yaml(SKELETON_YAML + "extra:\n  key: 1\n");
        assertThatThrownBy(() -> ClientConfig.load(unknown, true, env)).hasMessageContaining("unknown config key 'extra.key'");
        Path typo = yaml(SKELETON_YAML.replace("maxAmount", "maxamount"));
        assertThatThrownBy(() -> ClientConfig.load(typo, true, env)).hasMessageContaining("'batch.maxamount'");
        Path list = yaml(SKELETON_YAML.replace("amount: 5", "amount: [5]"));
        assertThatThrownBy(() -> ClientConfig.load(list, true, env)).hasMessageContaining("must be a single value");
        Path fraction = yaml(SKELETON_YAML.replace("amount: 5", "amount: 5.5"));
        assertThatThrownBy(() -> ClientConfig.load(fraction, true, env)).hasMessageContaining("not an integer");
        Path broken = yaml("server: [\n");
        assertThatThrownBy(() -> ClientConfig.load(broken, true, env)).hasMessageContaining("is not valid YAML");
        assertThatThrownBy(() -> ClientConfig.load(dir.resolve("absent.yaml"), true, env))
                .hasMessageContaining("does not exist");
    }

    @Test
    void helpPrintsTheUsageAndExitsZero() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThatThrownBy(() -> ClientMain.configure(new String[] {"--help"}, Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ClientMain.StartupExit.class, e -> assertThat(e.status()).isZero());
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--config PATH", "CLI_BATCH_MAXAMOUNT", "NACIMIENTO");
    }

    @Test
    void badArgumentsAndConfigsExitTwoWithOneLine() throws Exception {
        Path file = yaml(SKELETON_YAML);
        try (LogCapture logs = LogCapture.start()) {
            assertThatThrownBy(() -> ClientMain.configure(new String[] {"--verbose"}, Map.of(), System.out))
                    .isInstanceOfSatisfying(ClientMain.StartupExit.class, e -> assertThat(e.status()).isEqualTo(2));
            assertThatThrownBy(() -> ClientMain.configure(new String[] {"--config", file.toString()}, Map.of(),
                    System.out))
                    .isInstanceOfSatisfying(ClientMain.StartupExit.class, e -> assertThat(e.status()).isEqualTo(2));
            assertThat(logs.lines()).containsExactly(
                    "ERROR action: config | result: fail | error: unknown argument '--verbose' (see --help)",
                    "ERROR action: config | result: fail | error: CLI_ID is not set: it must be the agency number"
                            + " (1..65535)");
        }
        ClientConfig config = ClientMain.configure(new String[] {"--config=" + file}, env("CLI_ID", "5",
                "CLI_MODE", "echo"), System.out);
        assertThat(config.id()).isEqualTo(5);
    }
}
