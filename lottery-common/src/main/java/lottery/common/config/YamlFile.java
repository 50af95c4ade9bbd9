package lottery.common.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A strict reader of the client's YAML configuration ({@code config.yaml}, the format of the original Go client's
 * viper setup): nested mappings of scalars, flattened into dotted keys, with everything else rejected instead of
 * guessed at. Jackson's YAML parser, read token by token so that every value keeps its line.
 *
 * <pre>
 * # a comment; blank lines are ignored
 * server:
 *   address: "server:12345"     # key server.address
 * loop.amount: 5                # a dotted key is the same key as the nested form
 * </pre>
 *
 * <ul>
 *   <li>UTF-8. One document, whose top level is a mapping; an empty file (or one of comments only) has no keys.</li>
 *   <li>A value is a scalar: a string (quoted or not), a number or a boolean, read as the text it is written with
 *       and trimmed (the keys' converters decide what it means: {@code 5.5} is not an integer). {@code ""} is an
 *       empty value, which a key may accept.</li>
 *   <li>Keys are case-sensitive ({@code batch.maxamount} is not {@code batch.maxAmount}).</li>
 *   <li>Errors, each naming the file and the line: a key given twice (in the same form or once nested and once
 *       dotted), a list, an empty mapping, a key with no value ({@code period:}, YAML's null), a top level that is
 *       not a mapping, a second document, and anything the YAML parser refuses.</li>
 * </ul>
 *
 * <p>Needs {@code jackson-dataformat-yaml} on the class path: lottery-common declares it optional, so only the client
 * carries it.
 */
public final class YamlFile extends ConfigFile {
    private static final YAMLFactory FACTORY = new YAMLFactory();

    private YamlFile(String name, Map<String, Entry> entries) {
        super(name, entries);
    }

    /**
     * Reads and parses a file.
     *
     * @throws ConfigException when the file cannot be read, is not UTF-8 or breaks a rule of the class comment
     */
    public static YamlFile read(Path file) throws ConfigException {
        return parse(file.toString(), readUtf8(file));
    }

    /**
     * Parses the text of a file.
     *
     * @param name the file's name, for error messages
     */
    public static YamlFile parse(String name, String text) throws ConfigException {
        try (JsonParser parser = FACTORY.createParser(text)) {
            return new Flattener(name, parser).read();
        } catch (JsonProcessingException e) {
            throw new ConfigException("config file " + name + " is not valid YAML: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a string cannot fail", e);
        }
    }

    /** One pass over the parser's tokens, collecting the scalars under their dotted paths. */
    private static final class Flattener {
        private final String name;
        private final JsonParser parser;
        private final Map<String, Entry> entries = new LinkedHashMap<>();
        /** Every key path met so far, mappings included, and its line: a path met twice is a duplicate. */
        private final Map<String, Integer> lines = new HashMap<>();

        Flattener(String name, JsonParser parser) {
            this.name = name;
            this.parser = parser;
        }

        YamlFile read() throws IOException, ConfigException {
            JsonToken first = parser.nextToken();
            if (first != null && first != JsonToken.VALUE_NULL) { // null: no document, or an empty one
                if (first != JsonToken.START_OBJECT) {
                    throw error("the top level must be a mapping of keys (key: value lines)");
                }
                readMapping("");
                if (parser.nextToken() != null) {
                    throw error("a second YAML document: the file must hold one");
                }
            }
            return new YamlFile(name, entries);
        }

        /** Reads the fields of the mapping just opened, up to its end; returns how many there were. */
        private int readMapping(String prefix) throws IOException, ConfigException {
            int fields = 0;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                fields++;
                String path = prefix + parser.currentName();
                int line = line();
                Integer first = lines.putIfAbsent(path, line);
                if (first != null) {
                    throw error("duplicate key " + path + " (first on line " + first + ")");
                }
                JsonToken value = parser.nextToken();
                if (value == JsonToken.START_OBJECT) {
                    if (readMapping(path + ".") == 0) {
                        throw ConfigFile.error(name, line, "empty mapping for key " + path);
                    }
                } else if (value == JsonToken.START_ARRAY) {
                    throw error("key " + path + " must be a single value, not a list");
                } else if (value == JsonToken.VALUE_NULL) {
                    throw error("empty value for key " + path);
                } else {
                    entries.put(path, new Entry(path, parser.getText().strip(), line));
                }
            }
            return fields;
        }

        private int line() {
            return parser.currentTokenLocation().getLineNr();
        }

        private ConfigException error(String problem) {
            return ConfigFile.error(name, line(), problem);
        }
    }
}
