package lottery.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lottery.client.ClientConfig.Mode;
import lottery.common.config.ConfigException;
import lottery.protocol.message.Bet;
import lottery.testkit.LogCapture;
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
        ClientConfig config = ClientConfigLoader.load(yaml(SKELETON_YAML), true,
                env("CLI_ID", "3", "CLI_MODE", "echo"));

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
        assertThat(config.reconnectTimeout()).hasToString("1m0s");
        assertThat(config.secret()).isEmpty();
        assertThat(config.secretState()).isEqualTo("none");
    }

    @Test
    void theSecretComesFromTheKeyOrTheFirstLineOfTheFileAndIsNeverShown() throws Exception {
        ClientConfig inFile = ClientConfigLoader.load(yaml(SKELETON_YAML
                + "reconnect:\n  timeout: \"5s\"\nauth:\n  secret: \"s3cr3t-in-yaml\"\n"), true,
                env("CLI_ID", "3", "CLI_MODE", "echo"));
        assertThat(inFile.secret()).isEqualTo("s3cr3t-in-yaml");
        assertThat(inFile.reconnectTimeout()).hasToString("5s");
        assertThat(inFile.secretState()).isEqualTo("set");
        assertThat(inFile.toString()).contains("secret=set", "reconnectTimeout=5s").doesNotContain("s3cr3t");

        Path secretFile = Files.writeString(dir.resolve("secret.txt"), "  from-file-s3cr3t \nsecond line\n");
        ClientConfig fromFile = ClientConfigLoader.load(null, false, env("CLI_ID", "3", "CLI_MODE", "echo",
                "CLI_SERVER_ADDRESS", "h:1", "CLI_LOOP_AMOUNT", "1", "CLI_LOOP_PERIOD", "1s", "CLI_LOG_LEVEL", "INFO",
                "CLI_AUTH_SECRET_FILE", secretFile.toString(), "CLI_RECONNECT_TIMEOUT", "0s"));
        assertThat(fromFile.secret()).isEqualTo("from-file-s3cr3t");
        assertThat(fromFile.reconnectTimeout()).hasToString("0s");

        // The environment overriding the file's secret is logged without either value.
        List<String> overrides = new ArrayList<>();
        ClientConfigLoader.load(yaml(SKELETON_YAML + "auth:\n  secret: \"old-s3cr3t\"\n"), true,
                env("CLI_ID", "3", "CLI_MODE", "echo", "CLI_AUTH_SECRET", "new-s3cr3t"), overrides);
        assertThat(overrides).containsExactly(
                "action: config_override | result: success | key: auth.secret | file_value: *** | value: ***");
    }

    @Test
    void aBadSecretSettingIsAConfigErrorThatDoesNotShowTheSecret() throws Exception {
        Path file = yaml(SKELETON_YAML);
        Path empty = Files.writeString(dir.resolve("empty.txt"), "\n\n");
        Path secret = Files.writeString(dir.resolve("secret.txt"), "s3cr3t\n");
        Map<String, String> base = env("CLI_ID", "3", "CLI_MODE", "echo");
        Map<String, String> both = new HashMap<>(base);
        both.putAll(env("CLI_AUTH_SECRET", "s3cr3t", "CLI_AUTH_SECRET_FILE", secret.toString()));
        assertThatThrownBy(() -> ClientConfigLoader.load(file, true, both)).isInstanceOf(ConfigException.class)
                .hasMessage("set at most one of auth.secret (env CLI_AUTH_SECRET) and auth.secretFile"
                        + " (env CLI_AUTH_SECRET_FILE)");
        Map<String, String> emptyFile = new HashMap<>(base);
        emptyFile.put("CLI_AUTH_SECRET_FILE", empty.toString());
        assertThatThrownBy(() -> ClientConfigLoader.load(file, true, emptyFile))
                .hasMessage("auth.secretFile " + empty + " (env CLI_AUTH_SECRET_FILE): the first line is empty,"
                        + " no secret");
        Map<String, String> missing = new HashMap<>(base);
        missing.put("CLI_AUTH_SECRET_FILE", dir.resolve("absent.txt").toString());
        assertThatThrownBy(() -> ClientConfigLoader.load(file, true, missing))
                .hasMessageStartingWith("auth.secretFile " + dir.resolve("absent.txt")
                        + " (env CLI_AUTH_SECRET_FILE) cannot be read: NoSuchFileException");
        Map<String, String> tooLong = new HashMap<>(base);
        tooLong.put("CLI_AUTH_SECRET", "x".repeat(256));
        assertThatThrownBy(() -> ClientConfigLoader.load(file, true, tooLong))
                .hasMessage("auth.secret (env CLI_AUTH_SECRET): the secret is 256 bytes of UTF-8, over 255");
        Map<String, String> negative = new HashMap<>(base);
        negative.put("CLI_RECONNECT_TIMEOUT", "-1s");
        assertThatThrownBy(() -> ClientConfigLoader.load(file, true, negative))
                .hasMessage("reconnect.timeout '-1s' is a negative duration (env CLI_RECONNECT_TIMEOUT)");
        // Through main's path: exit status 2 and one line.
        try (LogCapture logs = LogCapture.open(Level.DEBUG)) {
            assertThatThrownBy(() -> ClientMain.configure(new String[] {"--config", file.toString()}, emptyFile,
                    System.out, new ArrayList<>()))
                    .isInstanceOfSatisfying(ClientMain.StartupExit.class, e -> assertThat(e.status()).isEqualTo(2));
            assertThat(logs.lines()).singleElement().asString().startsWith("ERROR action: config | result: fail");
        }
    }

    @Test
    void theDeployFileWithEveryKeyAndTheIdPlaceholder() throws Exception {
        betsFile();
        ClientConfig config = ClientConfigLoader.load(yaml("""
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
        ClientConfig config = ClientConfigLoader.load(yaml(SKELETON_YAML), true, env(
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
        ClientConfig config = ClientConfigLoader.load(yaml(SKELETON_YAML), true,
                env("CLI_ID", "1", "CLI_MODE", "echo", "CLI_LOOP_PERIOD", ""));
        assertThat(config.loopPeriod()).hasToString("5s");
    }

    @Test
    void theEnvironmentAloneIsEnoughWhenTheDefaultFileIsAbsent() throws Exception {
        ClientConfig config = ClientConfigLoader.load(dir.resolve("absent.yaml"), false, env("CLI_ID", "4",
                "CLI_MODE", "echo", "CLI_SERVER_ADDRESS", "[::1]:12345", "CLI_LOOP_AMOUNT", "0",
                "CLI_LOOP_PERIOD", "0", "CLI_LOG_LEVEL", "warning"));
        assertThat(config.server().host()).isEqualTo("::1");
        assertThat(config.server()).hasToString("[::1]:12345");
        assertThat(config.loopPeriod()).hasToString("0s");
        assertThat(config.logLevel()).isEqualTo("WARN");
    }

    @Test
    void theSingleBetComesFromTheEnvironment() throws Exception {
        ClientConfig config = ClientConfigLoader.load(yaml(SKELETON_YAML), true, env("CLI_ID", "1",
                "NOMBRE", "Santiago Lionel", "APELLIDO", "Lorca", "DOCUMENTO", "30904465",
                "NACIMIENTO", "1999-03-17", "NUMERO", "7574"));
        assertThat(config.singleBet()).contains(
                new Bet("Santiago Lionel", "Lorca", "30904465", LocalDate.of(1999, 3, 17), 7574));
        ClientConfig echo = ClientConfigLoader.load(yaml(SKELETON_YAML), true, env("CLI_ID", "1", "CLI_MODE", "echo",
                "NOMBRE", "Santiago Lionel", "APELLIDO", "Lorca", "DOCUMENTO", "30904465",
                "NACIMIENTO", "1999-03-17", "NUMERO", "7574"));
        assertThat(echo.singleBet()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "no CLI_ID;                 CLI_ID=;                     missing key CLI_ID: set the environment variable CLI_ID",
            "blank CLI_ID;              'CLI_ID= ';                   missing key CLI_ID: set the environment variable CLI_ID",
            "CLI_ID zero;               CLI_ID=0;                    CLI_ID 0 is not in 1..65535 (env CLI_ID)",
            "CLI_ID text;               CLI_ID=uno;                  CLI_ID must be an integer, not 'uno' (env CLI_ID)",
            "bad address;               CLI_SERVER_ADDRESS=server;   server.address 'server' is not host:port (env CLI_SERVER_ADDRESS)",
            "bad port;                  CLI_SERVER_ADDRESS=server:0; server.address 'server:0' has port 0, which is not in 1..65535",
            "no host;                   CLI_SERVER_ADDRESS=:80;      server.address ':80' has no host",
            "bad amount;                CLI_LOOP_AMOUNT=-1;          loop.amount -1 is not in 0..2147483647 (env CLI_LOOP_AMOUNT)",
            "bad period;                CLI_LOOP_PERIOD=5;           loop.period '5' is not a Go duration: time: missing unit in duration",
            "negative period;           CLI_LOOP_PERIOD=-1s;         loop.period '-1s' is a negative duration (env CLI_LOOP_PERIOD)",
            "bad level;                 CLI_LOG_LEVEL=LOUD;          log.level 'LOUD' is not one of TRACE, DEBUG, INFO, WARN, ERROR (env CLI_LOG_LEVEL)",
            "batch too big;             CLI_BATCH_MAXAMOUNT=70000;   batch.maxAmount 70000 is not in 1..65535 (env CLI_BATCH_MAXAMOUNT)",
            "batch zero;                CLI_BATCH_MAXAMOUNT=0;       batch.maxAmount 0 is not in 1..65535",
            "bad mode;                  CLI_MODE=poker;              mode 'poker' is not 'lottery' or 'echo' (env CLI_MODE)",
            "zero winners timeout;      CLI_WINNERS_TIMEOUT=0s;      winners.timeout '0s' is a zero duration (env CLI_WINNERS_TIMEOUT)",
            "default data file absent;  CLI_MODE=lottery;            data.file /data/agency-1.csv is not a readable file",
            "missing data file;         CLI_DATA_FILE=/nonexistent/agency-{id}.csv; data.file /nonexistent/agency-1.csv is not a readable file",
            "partial bet;               NOMBRE=Ana;                  APELLIDO, DOCUMENTO, NACIMIENTO, NUMERO missing",
            "blank bet field;           'APELLIDO= ';                 bet from the environment: APELLIDO missing",
    })
    void refusesBadValuesWithOneClearMessage(String name, String variable, String message) throws Exception {
        Map<String, String> env = env("CLI_ID", "1", "CLI_MODE", "echo");
        String[] pair = variable.split("=", 2);
        env.put(pair[0], pair[1]);
        if (pair[0].equals("CLI_DATA_FILE") || pair[0].equals("NOMBRE")) {
            env.put("CLI_MODE", "lottery");
        }
        if (pair[0].equals("APELLIDO")) {
            env.putAll(env("CLI_MODE", "lottery", "NOMBRE", "Ana", "DOCUMENTO", "1", "NACIMIENTO", "2000-01-01",
                    "NUMERO", "1"));
        }
        Path file = yaml(SKELETON_YAML);
        assertThatThrownBy(() -> ClientConfigLoader.load(file, true, env))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(message.strip());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "NACIMIENTO=1999-02-30;   birthdate '1999-02-30' is not a date YYYY-MM-DD",
            "NUMERO=10000;            number 10000 is not in 0..9999",
            "NUMERO=7a;               number '7a' is not a number",
            "DOCUMENTO=30.904.465;    document '30.904.465' is not all digits",
    })
    void refusesAnInvalidEnvironmentBet(String variable, String message) throws Exception {
        Map<String, String> env = env("CLI_ID", "1", "NOMBRE", "Ana", "APELLIDO", "Pérez", "DOCUMENTO", "1",
                "NACIMIENTO", "2000-01-01", "NUMERO", "1");
        String[] pair = variable.split("=", 2);
        env.put(pair[0], pair[1]);
        Path file = yaml(SKELETON_YAML);
        assertThatThrownBy(() -> ClientConfigLoader.load(file, true, env))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bet from the environment: " + message);
    }

    @Test
    void anEmptyDataFileInTheFileMeansNoBets() throws Exception {
        Path file = yaml(SKELETON_YAML + "data:\n  file: \"\"\n");
        assertThatThrownBy(() -> ClientConfigLoader.load(file, true, env("CLI_ID", "1")))
                .hasMessageStartingWith("lottery mode has no bets to send: set data.file (CLI_DATA_FILE) or the"
                        + " variables NOMBRE, APELLIDO, DOCUMENTO, NACIMIENTO, NUMERO");
        assertThat(ClientConfigLoader.load(file, true, env("CLI_ID", "1", "CLI_MODE", "echo")).dataFile()).isEmpty();
    }

    @Test
    void aMissingRequiredKeyIsNamedWithItsVariable() throws Exception {
        Path file = yaml(SKELETON_YAML.replace("  period: \"5s\"\n", ""));
        assertThatThrownBy(() -> ClientConfigLoader.load(file, true, env("CLI_ID", "1", "CLI_MODE", "echo")))
                .hasMessage("missing key loop.period: set it in " + file + " or in the environment variable"
                        + " CLI_LOOP_PERIOD");
    }

    @Test
    void refusesUnknownKeysAndWrongShapes() throws Exception {
        Map<String, String> env = env("CLI_ID", "1", "CLI_MODE", "echo");
        Path unknown = yaml(SKELETON_YAML + "extra:\n  key: 1\n");
        assertThatThrownBy(() -> ClientConfigLoader.load(unknown, true, env)).hasMessage(unknown + " line 11:"
                + " unknown key extra.key (known keys: server.address, loop.amount, loop.period, log.level,"
                + " batch.maxAmount, mode, data.file, connect.timeout, winners.timeout, reconnect.timeout,"
                + " auth.secret, auth.secretFile, tls.ca, tls.cert, tls.key, tls.serverName)");
        Path typo = yaml(SKELETON_YAML.replace("maxAmount", "maxamount"));
        assertThatThrownBy(() -> ClientConfigLoader.load(typo, true, env))
                .hasMessageStartingWith(typo + " line 9: unknown key batch.maxamount (known keys: ");
        Path list = yaml(SKELETON_YAML.replace("amount: 5", "amount: [5]"));
        assertThatThrownBy(() -> ClientConfigLoader.load(list, true, env))
                .hasMessage(list + " line 4: key loop.amount must be a single value, not a list");
        Path fraction = yaml(SKELETON_YAML.replace("amount: 5", "amount: 5.5"));
        assertThatThrownBy(() -> ClientConfigLoader.load(fraction, true, env))
                .hasMessage("loop.amount must be an integer, not '5.5' (" + fraction + " line 4)");
        Path twice = yaml(SKELETON_YAML + "loop.amount: 6\n");
        assertThatThrownBy(() -> ClientConfigLoader.load(twice, true, env))
                .hasMessage(twice + " line 10: duplicate key loop.amount (first on line 4)");
        Path empty = yaml(SKELETON_YAML.replace("period: \"5s\"", "period:"));
        assertThatThrownBy(() -> ClientConfigLoader.load(empty, true, env))
                .hasMessage(empty + " line 5: empty value for key loop.period");
        Path broken = yaml("server: 'no end quote\n");
        assertThatThrownBy(() -> ClientConfigLoader.load(broken, true, env)).hasMessageContaining("is not valid YAML");
        assertThatThrownBy(() -> ClientConfigLoader.load(dir.resolve("absent.yaml"), true, env))
                .hasMessageContaining("does not exist");
    }

    @Test
    void helpPrintsTheUsageAndExitsZero() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThatThrownBy(() -> ClientMain.configure(new String[] {"--help"}, Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new ArrayList<>()))
                .isInstanceOfSatisfying(ClientMain.StartupExit.class, e -> assertThat(e.status()).isZero());
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--config PATH", "CLI_BATCH_MAXAMOUNT", "NACIMIENTO",
                "reconnect.timeout", "CLI_RECONNECT_TIMEOUT", "auth.secret ", "CLI_AUTH_SECRET ", "auth.secretFile",
                "CLI_AUTH_SECRET_FILE");
    }

    @Test
    void badArgumentsAndConfigsExitTwoWithOneLine() throws Exception {
        Path file = yaml(SKELETON_YAML);
        try (LogCapture logs = LogCapture.open(Level.DEBUG)) {
            assertThatThrownBy(() -> ClientMain.configure(new String[] {"--verbose"}, Map.of(), System.out,
                    new ArrayList<>()))
                    .isInstanceOfSatisfying(ClientMain.StartupExit.class, e -> assertThat(e.status()).isEqualTo(2));
            assertThatThrownBy(() -> ClientMain.configure(new String[] {"--config", file.toString()}, Map.of(),
                    System.out, new ArrayList<>()))
                    .isInstanceOfSatisfying(ClientMain.StartupExit.class, e -> assertThat(e.status()).isEqualTo(2));
            assertThatThrownBy(() -> ClientMain.configure(new String[] {"--config"}, Map.of(), System.out,
                    new ArrayList<>()))
                    .isInstanceOfSatisfying(ClientMain.StartupExit.class, e -> assertThat(e.status()).isEqualTo(2));
            assertThat(logs.lines()).containsExactly(
                    "ERROR action: config | result: fail | error: unknown argument '--verbose' (see --help)",
                    "ERROR action: config | result: fail | error: missing key CLI_ID: set the environment variable"
                            + " CLI_ID",
                    "ERROR action: config | result: fail | error: --config needs a file path (see --help)");
        }
        List<String> overrides = new ArrayList<>();
        ClientConfig config = ClientMain.configure(new String[] {"--config=" + file}, env("CLI_ID", "5",
                "CLI_MODE", "echo", "CLI_LOOP_AMOUNT", "9"), System.out, overrides);
        assertThat(config.id()).isEqualTo(5);
        assertThat(overrides).containsExactly(
                "action: config_override | result: success | key: loop.amount | file_value: 5 | value: 9");
    }

    @Test
    void tlsIsOffWithoutACaAndItsFilesAreReadWithTheConfig() throws Exception {
        Path file = yaml(SKELETON_YAML);
        Map<String, String> base = env("CLI_ID", "3", "CLI_MODE", "echo");
        assertThat(ClientConfigLoader.load(file, true, base).tls()).isNull();
        assertThat(ClientConfigLoader.load(file, true, base).tlsState()).isEqualTo("off");

        lottery.testkit.TestCertificates ca = lottery.testkit.TestCertificates.create(dir.resolve("tls"));
        lottery.testkit.TestCertificates.Issued agency = ca.agency(3);
        Map<String, String> tls = new HashMap<>(base);
        tls.putAll(env("CLI_TLS_CA", ca.caPem().toString(), "CLI_TLS_CERT", agency.cert().toString(),
                "CLI_TLS_KEY", agency.key().toString(), "CLI_TLS_SERVER_NAME", "server"));
        assertThat(ClientConfigLoader.load(file, true, tls).tlsState())
                .isEqualTo("on, server_name: server, agency_certificate: yes");
        ClientConfig inFile = ClientConfigLoader.load(yaml(SKELETON_YAML + "tls:\n  ca: \"" + ca.caPem() + "\"\n"),
                true, base);
        assertThat(inFile.tlsState()).isEqualTo("on, server_name: (server.address host), agency_certificate: no");
    }

    @Test
    void tlsSettingsThatDoNotGoTogetherOrFilesThatCannotBeReadAreConfigErrors() throws Exception {
        Path file = yaml(SKELETON_YAML);
        Map<String, String> base = env("CLI_ID", "3", "CLI_MODE", "echo");
        Map<String, String> certWithoutCa = new HashMap<>(base);
        certWithoutCa.putAll(env("CLI_TLS_CERT", "a.pem", "CLI_TLS_KEY", "a.key"));
        assertThatThrownBy(() -> ClientConfigLoader.load(file, true, certWithoutCa)).isInstanceOf(ConfigException.class)
                .hasMessage("tls.cert (env CLI_TLS_CERT) needs tls.ca: TLS is off without the CA that signed the"
                        + " server's certificate");
        Map<String, String> certWithoutKey = new HashMap<>(base);
        certWithoutKey.putAll(env("CLI_TLS_CA", "ca.pem", "CLI_TLS_CERT", "a.pem"));
        assertThatThrownBy(() -> ClientConfigLoader.load(file, true, certWithoutKey))
                .hasMessage("tls.cert (env CLI_TLS_CERT) needs tls.key: the agency certificate and its key go together");
        Map<String, String> missingCa = new HashMap<>(base);
        missingCa.put("CLI_TLS_CA", dir.resolve("absent.pem").toString());
        assertThatThrownBy(() -> ClientConfigLoader.load(file, true, missingCa)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("tls.ca " + dir.resolve("absent.pem") + ": ");
    }
}
