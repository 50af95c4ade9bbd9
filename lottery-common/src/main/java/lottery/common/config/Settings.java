package lottery.common.config;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import lottery.common.log.LogText;

/**
 * A program's configuration as text: a file's values with the environment laid over them key by key, and the
 * defaults; then typed, with errors that say where the wrong value came from. Both applications load theirs this
 * way, the server from INI ({@link IniFile}) and the client from YAML ({@link YamlFile}), so the rules are the same:
 *
 * <ul>
 *   <li>A missing file is an error when it was named ({@code --config PATH}), else it counts as empty: the
 *       environment alone may configure a program.</li>
 *   <li>A key of the file that the program does not know is an error naming it and the known keys: a typo must not
 *       silently leave a default in place. The file's own errors (syntax, duplicates) come from its reader.</li>
 *   <li>An environment variable overrides the file; an empty or blank one counts as unset ({@link Env#get}). Every
 *       variable that changes a value the file sets gives one {@link #overrides() override line}, so no override is
 *       silent.</li>
 *   <li>A key without a value from the file or the environment takes its default; a required key (no default) is an
 *       error naming the file and the variable.</li>
 *   <li>Every value keeps its source for messages: {@code config.ini line 3}, {@code env SERVER_PORT},
 *       {@code default}.</li>
 * </ul>
 */
public final class Settings {
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");

    /** A key's text and where it came from, for messages. */
    private record Value(String text, String source) {
    }

    private final Map<ConfigKey, Value> values;
    private final List<String> overrides;

    private Settings(Map<ConfigKey, Value> values, List<String> overrides) {
        this.values = values;
        this.overrides = List.copyOf(overrides);
    }

    /**
     * Loads the text of every key.
     *
     * @param keys     every key the program knows, in the order their override lines and errors come
     * @param file     the configuration file, or {@code null} for none
     * @param required whether a missing {@code file} is an error (a path given with {@code --config})
     * @param reader   reads the file's format ({@code IniFile::read}, {@code YamlFile::read})
     * @param env      the environment ({@code System.getenv()} in production)
     * @throws ConfigException for a missing file that is required, a file its reader refuses, an unknown key of the
     *                         file, and a required key that nothing sets
     */
    public static Settings load(List<ConfigKey> keys, Path file, boolean required, ConfigFile.Reader reader,
                                Map<String, String> env) throws ConfigException {
        boolean exists = file != null && Files.exists(file);
        if (file != null && !exists && required) {
            throw new ConfigException("config file " + file + " does not exist");
        }
        Map<ConfigKey, Value> values = exists ? readFile(keys, reader.read(file)) : new HashMap<>();
        Map<ConfigKey, Value> resolved = new LinkedHashMap<>();
        List<String> overrides = new ArrayList<>();
        for (ConfigKey key : keys) {
            Value fileValue = values.get(key);
            Optional<String> fromEnv = Env.get(env, key.variable());
            if (fromEnv.isPresent()) {
                String text = fromEnv.get();
                resolved.put(key, new Value(text, "env " + key.variable()));
                if (fileValue != null && !fileValue.text().equals(text)) {
                    overrides.add("action: config_override | result: success | key: " + key.name() + " | file_value: "
                            + LogText.clean(fileValue.text()) + " | value: " + LogText.clean(text));
                }
            } else if (fileValue != null) {
                resolved.put(key, fileValue);
            } else if (key.required()) {
                throw missing(key, file, exists);
            } else {
                resolved.put(key, new Value(key.defaultValue(), "default"));
            }
        }
        return new Settings(resolved, overrides);
    }

    /** The file's values by key, checked for keys the program does not know. */
    private static Map<ConfigKey, Value> readFile(List<ConfigKey> keys, ConfigFile file) throws ConfigException {
        Map<String, ConfigKey> byName = new HashMap<>();
        keys.stream().filter(ConfigKey::inFile).forEach(key -> byName.put(key.name(), key));
        Map<ConfigKey, Value> values = new HashMap<>();
        for (ConfigFile.Entry entry : file.entries().values()) {
            ConfigKey key = byName.get(entry.key());
            if (key == null) {
                String known = keys.stream().filter(ConfigKey::inFile).map(ConfigKey::name)
                        .collect(Collectors.joining(", "));
                throw ConfigFile.error(file.name(), entry.line(), "unknown key " + entry.key() + " (known keys: "
                        + known + ")");
            }
            values.put(key, new Value(entry.value(), ConfigFile.where(file.name(), entry.line())));
        }
        return values;
    }

    private static ConfigException missing(ConfigKey key, Path file, boolean exists) {
        if (!key.inFile() || file == null) {
            return new ConfigException("missing key " + key.name() + ": set the environment variable "
                    + key.variable());
        }
        return new ConfigException("missing key " + key.name() + ": set it in " + file
                + (exists ? "" : " (no such file)") + " or in the environment variable " + key.variable());
    }

    /**
     * One log line for every key whose environment variable changed the value the file set, in the order of the
     * keys: {@code action: config_override | result: success | key: KEY | file_value: FILE | value: VALUE}. A
     * variable that repeats the file's value, or sets a key the file leaves out, changes nothing the file says and
     * has no line.
     */
    public List<String> overrides() {
        return overrides;
    }

    /** The key's text: from the environment, the file or the default. */
    public String text(ConfigKey key) {
        return value(key).text();
    }

    /** Where the key's text came from: {@code config.ini line 3}, {@code env SERVER_PORT} or {@code default}. */
    public String source(ConfigKey key) {
        return value(key).source();
    }

    private Value value(ConfigKey key) {
        Value value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException("key " + key.name() + " was not among the keys loaded");
        }
        return value;
    }

    /**
     * The key's value through {@code converter}.
     *
     * @throws ConfigException {@code KEY 'TEXT' REASON (SOURCE)}, REASON being the converter's message
     */
    public <T> T get(ConfigKey key, Converter<T> converter) throws ConfigException {
        Value value = value(key);
        try {
            return converter.convert(value.text());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key.name() + " '" + value.text() + "' " + e.getMessage() + " ("
                    + value.source() + ")", e);
        }
    }

    /**
     * The key's value as an integer in {@code min..max}: decimal ASCII digits with an optional sign, nothing else
     * (no Unicode digits, no {@code _}, no fraction).
     *
     * @throws ConfigException {@code KEY must be an integer, not 'TEXT' (SOURCE)} or
     *                         {@code KEY N is not in MIN..MAX (SOURCE)}
     */
    public int integer(ConfigKey key, int min, int max) throws ConfigException {
        Value value = value(key);
        if (!INTEGER.matcher(value.text()).matches()) {
            throw new ConfigException(key.name() + " must be an integer, not '" + value.text() + "' ("
                    + value.source() + ")");
        }
        // BigInteger: a number too large for an int is out of range, not "not an integer".
        BigInteger number = new BigInteger(value.text());
        if (number.compareTo(BigInteger.valueOf(min)) < 0 || number.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new ConfigException(key.name() + " " + value.text() + " is not in " + min + ".." + max + " ("
                    + value.source() + ")");
        }
        return number.intValueExact();
    }

    /**
     * The key's value as a boolean: {@code true} or {@code false}, in any case.
     *
     * @throws ConfigException {@code KEY must be true or false, not 'TEXT' (SOURCE)}
     */
    public boolean bool(ConfigKey key) throws ConfigException {
        Value value = value(key);
        String text = value.text().toLowerCase(Locale.ROOT);
        if (!text.equals("true") && !text.equals("false")) {
            throw new ConfigException(key.name() + " must be true or false, not '" + value.text() + "' ("
                    + value.source() + ")");
        }
        return Boolean.parseBoolean(text);
    }
}
