package lottery.server;

import lottery.server.config.ConfigException;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads {@link ServerConfig} from a YAML file, with environment variables overriding the file key by key:
 *
 * <pre>
 * server:
 *   port: 12345                 # SERVER_PORT                   (required)
 *   listen_backlog: 5           # SERVER_LISTEN_BACKLOG         (required)
 *   agencies: 5                 # SERVER_AGENCIES               (default 5)
 *   storage_path: ./bets.csv    # SERVER_STORAGE_PATH           (default ./bets.csv)
 *   idle_timeout_seconds: 60    # SERVER_IDLE_TIMEOUT_SECONDS   (default 60)
 *   shutdown_grace_seconds: 5   # SERVER_SHUTDOWN_GRACE_SECONDS (default 5)
 *   fsync: false                # SERVER_FSYNC                  (default false)
 * logging:
 *   level: INFO                 # LOGGING_LEVEL                 (required)
 * </pre>
 *
 * Unknown or duplicated keys, values of the wrong type and missing required keys are errors: a typo must not
 * silently fall back to a default.
 */
public final class ConfigLoader {

    /** One configuration key: where it lives in the YAML file, its environment variable and its default. */
    enum Key {
        PORT("server", "port", Kind.INT, null),
        LISTEN_BACKLOG("server", "listen_backlog", Kind.INT, null),
        AGENCIES("server", "agencies", Kind.INT, "5"),
        STORAGE_PATH("server", "storage_path", Kind.TEXT, "./bets.csv"),
        IDLE_TIMEOUT_SECONDS("server", "idle_timeout_seconds", Kind.INT, "60"),
        SHUTDOWN_GRACE_SECONDS("server", "shutdown_grace_seconds", Kind.INT, "5"),
        FSYNC("server", "fsync", Kind.BOOL, "false"),
        LOGGING_LEVEL("logging", "level", Kind.TEXT, null);

        final String section;
        final String name;
        final Kind kind;
        final String defaultValue;

        Key(String section, String name, Kind kind, String defaultValue) {
            this.section = section;
            this.name = name;
            this.kind = kind;
            this.defaultValue = defaultValue;
        }

        String path() {
            return section + "." + name;
        }

        String envVar() {
            return (section + "_" + name).toUpperCase(Locale.ROOT);
        }

        static Key find(String section, String name) {
            for (Key key : values()) {
                if (key.section.equals(section) && key.name.equals(name)) {
                    return key;
                }
            }
            return null;
        }
    }

    private enum Kind { INT, BOOL, TEXT }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private ConfigLoader() {
    }

    /**
     * Loads the configuration.
     *
     * @param file     the YAML file
     * @param required whether a missing file is an error (a path given with {@code --config}); a missing default
     *                 file counts as empty, so the environment alone can configure the server
     * @param env      the environment (System.getenv() in production)
     */
    public static ServerConfig load(Path file, boolean required, Map<String, String> env) throws ConfigException {
        return load(file, required, env, new ArrayList<>());
    }

    /**
     * Loads the configuration like {@link #load(Path, boolean, Map)} and adds to {@code overrides} one log line for
     * every key that the environment overrides although the file sets it too, so no override is silent.
     */
    public static ServerConfig load(Path file, boolean required, Map<String, String> env, List<String> overrides)
            throws ConfigException {
        Map<Key, String> values = readFile(file, required);
        for (Key key : Key.values()) {
            String fromEnv = env.get(key.envVar());
            // An empty variable counts as unset (Compose writes `NAME: ${NAME:-}` entries).
            if (fromEnv != null && !fromEnv.isBlank()) {
                String fileValue = values.put(key, fromEnv.trim());
                if (fileValue != null && !fileValue.equals(fromEnv.trim())) {
                    overrides.add("action: config_override | result: success | key: " + key.path() + " | env: "
                            + key.envVar() + " | file_value: " + LogText.clean(fileValue) + " | value: "
                            + LogText.clean(fromEnv.trim()));
                }
            } else if (!values.containsKey(key)) {
                if (key.defaultValue == null) {
                    throw new ConfigException("missing key " + key.path() + " in " + file + " (or env "
                            + key.envVar() + ")");
                }
                values.put(key, key.defaultValue);
            }
        }
        try {
            return new ServerConfig(
                    intValue(values, Key.PORT),
                    intValue(values, Key.LISTEN_BACKLOG),
                    intValue(values, Key.AGENCIES),
                    Path.of(values.get(Key.STORAGE_PATH)),
                    intValue(values, Key.IDLE_TIMEOUT_SECONDS),
                    intValue(values, Key.SHUTDOWN_GRACE_SECONDS),
                    boolValue(values, Key.FSYNC),
                    values.get(Key.LOGGING_LEVEL));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage(), e);
        }
    }

    /** The file's values as text, checked for unknown keys and for the YAML type of each value. */
    private static Map<Key, String> readFile(Path file, boolean required) throws ConfigException {
        Map<Key, String> values = new EnumMap<>(Key.class);
        if (!Files.exists(file)) {
            if (required) {
                throw new ConfigException("config file " + file + " does not exist");
            }
            return values;
        }
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (JacksonException e) {
            throw new ConfigException("config file " + file + " is not valid YAML: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        if (root == null || root instanceof MissingNode || root.isNull()) {
            return values;
        }
        if (!root.isObject()) {
            throw new ConfigException("config file " + file + " is not a mapping of sections");
        }
        for (Map.Entry<String, JsonNode> section : root.properties()) {
            if (!isSection(section.getKey())) {
                throw new ConfigException("unknown key " + section.getKey() + " in " + file);
            }
            if (!section.getValue().isObject()) {
                throw new ConfigException("key " + section.getKey() + " in " + file + " must be a mapping");
            }
            for (Map.Entry<String, JsonNode> field : section.getValue().properties()) {
                Key key = Key.find(section.getKey(), field.getKey());
                if (key == null) {
                    throw new ConfigException("unknown key " + section.getKey() + "." + field.getKey() + " in "
                            + file);
                }
                values.put(key, scalar(key, field.getValue()));
            }
        }
        return values;
    }

    private static boolean isSection(String name) {
        for (Key key : Key.values()) {
            if (key.section.equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** The text of a YAML scalar, after checking that its YAML type is the key's type. */
    private static String scalar(Key key, JsonNode node) throws ConfigException {
        boolean ok = switch (key.kind) {
            case INT -> node.isIntegralNumber();
            case BOOL -> node.isBoolean();
            case TEXT -> node.isTextual() || (key == Key.STORAGE_PATH && node.isNumber());
        };
        if (!ok) {
            String expected = switch (key.kind) {
                case INT -> "an integer";
                case BOOL -> "true or false";
                case TEXT -> "a string";
            };
            throw new ConfigException("key " + key.path() + " must be " + expected + ", not '" + node + "'");
        }
        return node.asText();
    }

    private static int intValue(Map<Key, String> values, Key key) throws ConfigException {
        String text = values.get(key);
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new ConfigException(key.path() + " (env " + key.envVar() + ") must be an integer, not '" + text
                    + "'", e);
        }
    }

    private static boolean boolValue(Map<Key, String> values, Key key) throws ConfigException {
        String text = values.get(key).toLowerCase(Locale.ROOT);
        if (!text.equals("true") && !text.equals("false")) {
            throw new ConfigException(key.path() + " (env " + key.envVar() + ") must be true or false, not '"
                    + values.get(key) + "'");
        }
        return Boolean.parseBoolean(text);
    }
}
