package lottery.server;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import lottery.server.config.ConfigException;
import lottery.server.config.IniFile;

/**
 * Reads {@link ServerConfig} from the course's INI file ({@link IniFile}), with environment variables of the same
 * names overriding the file key by key:
 *
 * <pre>
 * [DEFAULT]
 * SERVER_PORT = 12345                  # required, 0..65535
 * SERVER_IP = 0.0.0.0                  # default 0.0.0.0: the address to listen on (IP literal or host name)
 * SERVER_LISTEN_BACKLOG = 8            # required, 1..65535
 * LOGGING_LEVEL = DEBUG                # required: TRACE, DEBUG, INFO, WARN or ERROR
 * SERVER_AGENCIES = 5                  # default 5, 0..65535
 * SERVER_STORAGE_PATH = bets.csv       # default bets.csv
 * SERVER_IDLE_TIMEOUT_SECONDS = 60     # default 60, 0..86400
 * SERVER_SHUTDOWN_GRACE_SECONDS = 5    # default 5, 0..3600
 * SERVER_FSYNC = false                 # default false: true or false, any case
 * </pre>
 *
 * (The INI format has no inline comments: the {@code #} notes above are for this comment only.) Unknown keys, values
 * of the wrong type or out of range and missing required keys are errors: a typo must not silently fall back to a
 * default. An empty or blank environment variable counts as unset.
 */
public final class ConfigLoader {
    /** The configuration file read without {@code --config}, relative to the working directory. */
    public static final Path DEFAULT_FILE = Path.of("config.ini");

    /** One configuration key: its name in the file and in the environment, its default and (integers) its range. */
    enum Key {
        SERVER_PORT(null, 0, 65535),
        SERVER_IP(ServerConfig.ANY_ADDRESS),
        SERVER_LISTEN_BACKLOG(null, 1, 65535),
        LOGGING_LEVEL(null),
        SERVER_AGENCIES("5", 0, 65535),
        SERVER_STORAGE_PATH("bets.csv"),
        SERVER_IDLE_TIMEOUT_SECONDS("60", 0, 86_400),
        SERVER_SHUTDOWN_GRACE_SECONDS("5", 0, 3_600),
        SERVER_FSYNC("false");

        /** The value when neither the file nor the environment sets the key; null for a required key. */
        final String defaultValue;
        /** The range of an integer key. */
        final int min;
        final int max;

        Key(String defaultValue) {
            this(defaultValue, 0, 0);
        }

        Key(String defaultValue, int min, int max) {
            this.defaultValue = defaultValue;
            this.min = min;
            this.max = max;
        }

        static Key find(String name) {
            for (Key key : values()) {
                if (key.name().equals(name)) {
                    return key;
                }
            }
            return null;
        }

        static String known() {
            return Arrays.stream(values()).map(Key::name).collect(Collectors.joining(", "));
        }
    }

    /** A key's text and where it came from ("config.ini line 3", "env SERVER_PORT", "default"), for messages. */
    private record Value(String text, String source) {
    }

    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");

    private ConfigLoader() {
    }

    /**
     * Loads the configuration.
     *
     * @param file     the INI file
     * @param required whether a missing file is an error (a path given with {@code --config}); a missing default
     *                 file counts as empty, so the environment alone can configure the server
     * @param env      the environment (System.getenv() in production)
     */
    public static ServerConfig load(Path file, boolean required, Map<String, String> env) throws ConfigException {
        return load(file, required, env, new ArrayList<>());
    }

    /**
     * Loads the configuration like {@link #load(Path, boolean, Map)} and adds to {@code overrides} one log line for
     * every key that the environment changes although the file sets it, so no override is silent.
     */
    public static ServerConfig load(Path file, boolean required, Map<String, String> env, List<String> overrides)
            throws ConfigException {
        boolean exists = Files.exists(file);
        if (!exists && required) {
            throw new ConfigException("config file " + file + " does not exist");
        }
        Map<Key, Value> values = exists ? readFile(file) : new EnumMap<>(Key.class);
        for (Key key : Key.values()) {
            String fromEnv = env.get(key.name());
            // An empty variable counts as unset (Compose writes `NAME: ${NAME:-}` entries).
            if (fromEnv != null && !fromEnv.isBlank()) {
                String text = fromEnv.strip();
                Value fileValue = values.put(key, new Value(text, "env " + key.name()));
                if (fileValue != null && !fileValue.text().equals(text)) {
                    overrides.add("action: config_override | result: success | key: " + key.name()
                            + " | file_value: " + LogText.clean(fileValue.text()) + " | value: " + LogText.clean(text));
                }
            } else if (!values.containsKey(key)) {
                if (key.defaultValue == null) {
                    throw new ConfigException("missing key " + key.name() + ": set it in " + file
                            + (exists ? "" : " (no such file)") + " or in the environment variable " + key.name());
                }
                values.put(key, new Value(key.defaultValue, "default"));
            }
        }
        try {
            return new ServerConfig(
                    intValue(values, Key.SERVER_PORT),
                    intValue(values, Key.SERVER_LISTEN_BACKLOG),
                    intValue(values, Key.SERVER_AGENCIES),
                    pathValue(values, Key.SERVER_STORAGE_PATH),
                    intValue(values, Key.SERVER_IDLE_TIMEOUT_SECONDS),
                    intValue(values, Key.SERVER_SHUTDOWN_GRACE_SECONDS),
                    boolValue(values, Key.SERVER_FSYNC),
                    levelValue(values, Key.LOGGING_LEVEL),
                    values.get(Key.SERVER_IP).text());
        } catch (IllegalArgumentException e) {
            // ServerConfig checks again what the checks above let through: nothing, unless they disagree.
            throw new ConfigException(e.getMessage(), e);
        }
    }

    /** The file's values, checked for unknown keys. */
    private static Map<Key, Value> readFile(Path file) throws ConfigException {
        IniFile ini = IniFile.read(file);
        Map<Key, Value> values = new EnumMap<>(Key.class);
        for (IniFile.Entry entry : ini.entries().values()) {
            Key key = Key.find(entry.key());
            String where = file + " line " + entry.line();
            if (key == null) {
                throw new ConfigException(where + ": unknown key " + entry.key() + " (known keys: " + Key.known()
                        + ")");
            }
            values.put(key, new Value(entry.value(), where));
        }
        return values;
    }

    private static int intValue(Map<Key, Value> values, Key key) throws ConfigException {
        Value value = values.get(key);
        if (!INTEGER.matcher(value.text()).matches()) {
            throw new ConfigException(key.name() + " must be an integer, not '" + value.text() + "' ("
                    + value.source() + ")");
        }
        // BigInteger: a number too large for an int is out of range, not "not an integer".
        BigInteger number = new BigInteger(value.text());
        if (number.compareTo(BigInteger.valueOf(key.min)) < 0 || number.compareTo(BigInteger.valueOf(key.max)) > 0) {
            throw new ConfigException(key.name() + " " + value.text() + " is not in " + key.min + ".." + key.max
                    + " (" + value.source() + ")");
        }
        return number.intValueExact();
    }

    private static Path pathValue(Map<Key, Value> values, Key key) throws ConfigException {
        Value value = values.get(key);
        try {
            return Path.of(value.text());
        } catch (InvalidPathException e) {
            throw new ConfigException(key.name() + " '" + value.text() + "' is not a valid path: " + e.getReason()
                    + " (" + value.source() + ")", e);
        }
    }

    private static boolean boolValue(Map<Key, Value> values, Key key) throws ConfigException {
        Value value = values.get(key);
        String text = value.text().toLowerCase(Locale.ROOT);
        if (!text.equals("true") && !text.equals("false")) {
            throw new ConfigException(key.name() + " must be true or false, not '" + value.text() + "' ("
                    + value.source() + ")");
        }
        return Boolean.parseBoolean(text);
    }

    private static String levelValue(Map<Key, Value> values, Key key) throws ConfigException {
        Value value = values.get(key);
        if (!ServerConfig.LEVELS.contains(value.text().toUpperCase(Locale.ROOT))) {
            throw new ConfigException(key.name() + " '" + value.text()
                    + "' is not one of TRACE, DEBUG, INFO, WARN, ERROR (" + value.source() + ")");
        }
        return value.text();
    }
}
