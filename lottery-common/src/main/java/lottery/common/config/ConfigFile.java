package lottery.common.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;

/**
 * A configuration file read into flat {@code KEY -> value} entries, whatever its format: the server's INI
 * ({@link IniFile}) or the client's YAML ({@link YamlFile}), each a strict reader of its format. {@link Settings}
 * checks the keys against the known ones and lays the environment over the values.
 */
public abstract class ConfigFile {

    /**
     * One value of the file.
     *
     * @param key   the key as the format names it ({@code SERVER_PORT} in INI, {@code server.address} in YAML)
     * @param value the value, trimmed
     * @param line  the line it is on, from 1
     */
    public record Entry(String key, String value, int line) {
    }

    /** Reads a file of one format ({@code IniFile::read}, {@code YamlFile::read}). */
    @FunctionalInterface
    public interface Reader {
        ConfigFile read(Path file) throws ConfigException;
    }

    private final String name;
    private final Map<String, Entry> entries;

    /** A file named {@code name} (in messages) with these entries, in file order. */
    protected ConfigFile(String name, Map<String, Entry> entries) {
        this.name = name;
        this.entries = Collections.unmodifiableMap(entries);
    }

    /** The file's name as error messages give it: the path as given. */
    public final String name() {
        return name;
    }

    /** Every entry, in file order, by key. */
    public final Map<String, Entry> entries() {
        return entries;
    }

    /** Where a value of a file stands, as messages name it: {@code config.ini line 3}. */
    public static String where(String name, int line) {
        return name + " line " + line;
    }

    /** An error of a file's line: {@code config.ini line 3: PROBLEM}. */
    protected static ConfigException error(String name, int line, String problem) {
        return new ConfigException(where(name, line) + ": " + problem);
    }

    /**
     * The text of a configuration file, which must be UTF-8 (malformed bytes are an error, not a replacement
     * character in a value).
     *
     * @throws ConfigException when the file cannot be read or is not UTF-8
     */
    protected static String readUtf8(Path file) throws ConfigException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e, e);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException("config file " + file + " is not valid UTF-8", e);
        }
    }
}
