package lottery.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import lottery.client.lottery.BetSource;
import lottery.client.lottery.EnvBet;
import lottery.client.net.ServerAddress;
import lottery.protocol.message.Bet;

/**
 * The client's settings: the YAML file of the original skeleton ({@code server.address}, {@code loop.amount},
 * {@code loop.period}, {@code log.level}, {@code batch.maxAmount}) plus {@code mode}, {@code data.file},
 * {@code connect.timeout} and {@code winners.timeout}, each overridable by an environment variable
 * ({@code CLI_SERVER_ADDRESS}, ...) as the skeleton's viper setup did, and the agency id from {@code CLI_ID}.
 * The skeleton's keys are required; the added ones have defaults. Unknown keys are refused.
 *
 * @param id             the agency number (CLI_ID), 1..65535
 * @param server         where the server listens
 * @param loopAmount     echo mode: how many messages to send
 * @param loopPeriod     echo mode: the pause after each message
 * @param logLevel       TRACE, DEBUG, INFO, WARN or ERROR
 * @param batchMaxAmount most bets per Batch (the 8192-byte frame limit applies on top)
 * @param mode           echo or lottery
 * @param dataFile       the agency's CSV file, {@code {id}} already replaced; empty when none (default
 *                       {@code /data/agency-{id}.csv}, where the containers mount the course data)
 * @param connectTimeout how long to keep retrying the first connection
 * @param winnersTimeout how long to wait for the winners once asked
 * @param envBet         the single bet of NOMBRE..NUMERO, or {@code null} when those are unset (or in echo mode)
 */
public record ClientConfig(int id, ServerAddress server, int loopAmount, GoDuration loopPeriod, String logLevel,
                           int batchMaxAmount, Mode mode, String dataFile, GoDuration connectTimeout,
                           GoDuration winnersTimeout, Bet envBet) {

    /**
     * Default {@code batch.maxAmount}: the most bets of the course data that always fit one 8192-byte frame. The
     * largest bet of dataset.zip takes 50 bytes on the wire (Wire.betSize: 9 fixed bytes + "Milagros De Los
     * Angeles" 23 + "Valenzuela" 10 + "25748564" 8), a Batch frame has 11 bytes besides its bets, and
     * 163 * 50 + 11 = 8161 <= 8192 while 164 * 50 + 11 = 8211 is over. DefaultBatchSizeTest recomputes it.
     */
    public static final int DEFAULT_BATCH_MAX_AMOUNT = 163;
    /** The file read when no {@code --config} is given; it may be absent (then only the environment counts). */
    public static final Path DEFAULT_FILE = Path.of("config.yaml");
    /** The placeholder in {@code data.file} that stands for the agency id. */
    public static final String ID_PLACEHOLDER = "{id}";
    public static final String ID_VARIABLE = "CLI_ID";

    /** What the client does. */
    public enum Mode {
        /** Exercises 1-4: send numbered text lines and log the echo. */
        ECHO,
        /** Exercises 5-7: send bets, Finish, ask for the winners. */
        LOTTERY;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The config keys, their environment variables and defaults ({@code null} = required). */
    enum Key {
        SERVER_ADDRESS("server.address", null),
        LOOP_AMOUNT("loop.amount", null),
        LOOP_PERIOD("loop.period", null),
        LOG_LEVEL("log.level", null),
        BATCH_MAX_AMOUNT("batch.maxAmount", Integer.toString(DEFAULT_BATCH_MAX_AMOUNT)),
        MODE("mode", "lottery"),
        DATA_FILE("data.file", "/data/agency-" + ID_PLACEHOLDER + ".csv"),
        CONNECT_TIMEOUT("connect.timeout", "30s"),
        WINNERS_TIMEOUT("winners.timeout", "60s");

        final String path;
        final String variable;
        final String fallback;

        Key(String path, String fallback) {
            this.path = path;
            this.variable = "CLI_" + path.replace('.', '_').toUpperCase(Locale.ROOT);
            this.fallback = fallback;
        }

        static Key byPath(String path) {
            return Arrays.stream(values()).filter(k -> k.path.equals(path)).findFirst().orElse(null);
        }
    }

    public ClientConfig {
        if (id < 1 || id > 65535) {
            throw new IllegalArgumentException("client id " + id + " is not in 1..65535");
        }
    }

    /** The single bet from the environment, when there is one. */
    public Optional<Bet> singleBet() {
        return Optional.ofNullable(envBet);
    }

    /** The same settings in another mode (tests and in-process runs). */
    public ClientConfig withMode(Mode newMode) {
        return new ClientConfig(id, server, loopAmount, loopPeriod, logLevel, batchMaxAmount, newMode, dataFile,
                connectTimeout, winnersTimeout, newMode == Mode.LOTTERY ? envBet : null);
    }

    /**
     * Reads the settings.
     *
     * @param file         the YAML file, or {@code null} for none
     * @param fileRequired whether a missing {@code file} is an error (an explicit {@code --config}) or just means
     *                     "environment only" (the default path)
     * @param env          the environment variables
     * @throws ConfigException naming the first key that is missing or wrong, and where its value came from
     */
    public static ClientConfig load(Path file, boolean fileRequired, Map<String, String> env)
            throws ConfigException {
        Map<Key, Setting> settings = new HashMap<>();
        if (file != null && Files.exists(file)) {
            readYaml(file, settings);
        } else if (file != null && fileRequired) {
            throw new ConfigException("config file " + file + " does not exist");
        }
        for (Key key : Key.values()) {
            String value = env.get(key.variable);
            if (value != null && !value.isEmpty()) {
                settings.put(key, new Setting(value, "environment variable " + key.variable));
            }
        }
        return new Parser(settings, env).parse();
    }

    /** A raw value and where it came from, for error messages. */
    private record Setting(String text, String source) {
    }

    private static void readYaml(Path file, Map<Key, Setting> settings) throws ConfigException {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new ConfigException("config file " + file + " is not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException("config file " + file + " cannot be read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return; // an empty file sets nothing
        }
        if (!root.isObject()) {
            throw new ConfigException("config file " + file + " is not a YAML mapping of keys");
        }
        flatten(root, "", file, settings);
    }

    private static void flatten(JsonNode node, String prefix, Path file, Map<Key, Setting> settings)
            throws ConfigException {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String path = prefix + field.getKey();
            JsonNode value = field.getValue();
            Key key = Key.byPath(path);
            if (value.isObject() && key == null) {
                flatten(value, path + ".", file, settings);
            } else if (key == null) {
                throw new ConfigException("unknown config key '" + path + "' in " + file);
            } else if (value.isContainerNode()) {
                throw new ConfigException("config key '" + path + "' in " + file + " must be a single value");
            } else if (!value.isNull()) {
                settings.put(key, new Setting(value.asText(), file.toString()));
            }
        }
    }

    /** Turns raw settings into typed values, failing on the first bad one. */
    private static final class Parser {
        private final Map<Key, Setting> settings;
        private final Map<String, String> env;

        Parser(Map<Key, Setting> settings, Map<String, String> env) {
            this.settings = settings;
            this.env = env;
        }

        ClientConfig parse() throws ConfigException {
            int id = parseId(env.get(ID_VARIABLE));
            ServerAddress server = value(Key.SERVER_ADDRESS, ServerAddress::parse);
            int loopAmount = value(Key.LOOP_AMOUNT, text -> parseInt(text, 0, Integer.MAX_VALUE));
            GoDuration loopPeriod = value(Key.LOOP_PERIOD, Parser::parseNonNegative);
            String logLevel = value(Key.LOG_LEVEL, Parser::parseLevel);
            int maxAmount = value(Key.BATCH_MAX_AMOUNT, text -> parseInt(text, 1, 65535));
            Mode mode = value(Key.MODE, Parser::parseMode);
            String dataFile = value(Key.DATA_FILE, text -> text.replace(ID_PLACEHOLDER, Integer.toString(id)));
            GoDuration connectTimeout = value(Key.CONNECT_TIMEOUT, Parser::parseNonNegative);
            GoDuration winnersTimeout = value(Key.WINNERS_TIMEOUT, Parser::parsePositive);
            Bet bet = null;
            if (mode == Mode.LOTTERY) {
                bet = envBet();
                if (bet == null) {
                    checkDataFile(dataFile);
                }
            }
            return new ClientConfig(id, server, loopAmount, loopPeriod, logLevel, maxAmount, mode, dataFile,
                    connectTimeout, winnersTimeout, bet);
        }

        private Bet envBet() throws ConfigException {
            try {
                return EnvBet.from(env).orElse(null);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(e.getMessage());
            }
        }

        private static void checkDataFile(String dataFile) throws ConfigException {
            if (dataFile.isEmpty()) {
                throw new ConfigException("lottery mode has no bets to send: set data.file (" + Key.DATA_FILE.variable
                        + ") or the variables " + String.join(", ", EnvBet.VARIABLES));
            }
            Path path = Path.of(dataFile);
            if (BetSource.locate(path).isEmpty()) {
                throw new ConfigException("data.file " + dataFile + " is not a readable file, and no "
                        + String.join(" or ", BetSource.ZIP_NAMES) + " beside it holds " + path.getFileName());
            }
        }

        private <T> T value(Key key, Converter<T> converter) throws ConfigException {
            Setting setting = settings.get(key);
            if (setting == null && key.fallback == null) {
                throw new ConfigException("config key '" + key.path + "' is missing (set it in the config file or "
                        + key.variable + ")");
            }
            String text = setting == null ? key.fallback : setting.text();
            try {
                return converter.convert(text.trim());
            } catch (IllegalArgumentException e) {
                String source = setting == null ? "the default" : setting.source();
                throw new ConfigException("config key '" + key.path + "' = '" + text + "' from " + source
                        + " is invalid: " + e.getMessage());
            }
        }

        private static int parseId(String text) throws ConfigException {
            if (text == null || text.isEmpty()) {
                throw new ConfigException(ID_VARIABLE + " is not set: it must be the agency number (1..65535)");
            }
            try {
                return parseInt(text.trim(), 1, 65535);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(ID_VARIABLE + " = '" + text + "' is invalid: " + e.getMessage());
            }
        }

        private static int parseInt(String text, int min, int max) {
            long value;
            try {
                value = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an integer");
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException("not in " + min + ".." + max);
            }
            return (int) value;
        }

        private static GoDuration parseNonNegative(String text) {
            GoDuration duration = GoDuration.parse(text);
            if (duration.isNegative()) {
                throw new IllegalArgumentException("a negative duration");
            }
            return duration;
        }

        private static GoDuration parsePositive(String text) {
            GoDuration duration = parseNonNegative(text);
            if (duration.nanos() == 0) {
                throw new IllegalArgumentException("a zero duration");
            }
            return duration;
        }

        /** Logback's level names, plus Go logrus's spellings the skeleton accepted. */
        private static String parseLevel(String text) {
            return switch (text.toUpperCase(Locale.ROOT)) {
                case "TRACE" -> "TRACE";
                case "DEBUG" -> "DEBUG";
                case "INFO" -> "INFO";
                case "WARN", "WARNING" -> "WARN";
                case "ERROR", "FATAL", "PANIC" -> "ERROR";
                default -> throw new IllegalArgumentException("not one of TRACE, DEBUG, INFO, WARN, ERROR");
            };
        }

        private static Mode parseMode(String text) {
            try {
                return Mode.valueOf(text.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not 'lottery' or 'echo'");
            }
        }
    }

    @FunctionalInterface
    private interface Converter<T> {
        T convert(String text);
    }
}
