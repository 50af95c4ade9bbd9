package lottery.common.config;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A strict reader of the course's INI files (the server's {@code config.ini}): the subset of Python's
 * {@code configparser} format that the course's server reads, with everything outside that subset rejected instead of
 * guessed at.
 *
 * <pre>
 * # a comment (also ; and indented comments); blank lines are ignored
 * [DEFAULT]
 * SERVER_PORT = 12345
 * logging_level: DEBUG
 * </pre>
 *
 * <ul>
 *   <li>UTF-8, a leading byte order mark ignored; lines end with LF, CRLF (or a lone CR, as in Python's text mode);
 *       the last line may lack its line end.</li>
 *   <li>Full-line comments start with {@code #} or {@code ;}, after optional whitespace. There are no inline
 *       comments: {@code KEY = a # b} sets {@code a # b}, as {@code configparser} does.</li>
 *   <li>One section, {@code [DEFAULT]}, before any key. Any other section, or {@code [DEFAULT]} twice, is an
 *       error.</li>
 *   <li>{@code KEY = VALUE} or {@code KEY: VALUE}: the first {@code =} or {@code :} splits, and key and value are
 *       trimmed. Keys are case-insensitive and come back in upper case ({@code server_port} is
 *       {@code SERVER_PORT}); a key given twice is an error.</li>
 *   <li>Errors: a key before the section header, an indented line (in {@code configparser} a continuation of the
 *       previous value; multi-line values are not supported), a line that is neither a comment, a section header
 *       nor {@code KEY = VALUE}, an empty key, an empty value. Each error names the file and the line.</li>
 * </ul>
 */
public final class IniFile extends ConfigFile {
    /** The only section read. */
    public static final String SECTION = "DEFAULT";

    private IniFile(String name, Map<String, Entry> entries) {
        super(name, entries);
    }

    /**
     * Reads and parses a file.
     *
     * @throws ConfigException when the file cannot be read, is not UTF-8 or breaks a rule of the class comment
     */
    public static IniFile read(Path file) throws ConfigException {
        return parse(file.toString(), readUtf8(file));
    }

    /**
     * Parses the text of a file.
     *
     * @param name the file's name, for error messages
     */
    public static IniFile parse(String name, String text) throws ConfigException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        int headerLine = 0;
        int number = 0;
        Iterator<String> lines = (text.startsWith("\uFEFF") ? text.substring(1) : text).lines().iterator();
        while (lines.hasNext()) {
            String line = lines.next();
            number++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith(";")) {
                continue;
            }
            if (Character.isWhitespace(line.charAt(0))) {
                throw error(name, number, "indented line '" + trimmed + "': continuation lines (multi-line values)"
                        + " are not supported; remove the indentation");
            }
            if (trimmed.startsWith("[")) {
                if (!trimmed.endsWith("]") || trimmed.length() < 3) {
                    throw error(name, number, "malformed section header '" + trimmed + "'; the file must start with"
                            + " [" + SECTION + "]");
                }
                String section = trimmed.substring(1, trimmed.length() - 1);
                if (!section.equals(SECTION)) {
                    throw error(name, number, "section [" + section + "]: only [" + SECTION + "] is read");
                }
                if (headerLine != 0) {
                    throw error(name, number, "duplicate section [" + SECTION + "] (first on line " + headerLine
                            + ")");
                }
                headerLine = number;
                continue;
            }
            int separator = separatorIndex(trimmed);
            if (separator < 0) {
                throw error(name, number, "'" + trimmed + "' is not a KEY = VALUE line");
            }
            if (headerLine == 0) {
                throw error(name, number, "key before the section header: the file must start with [" + SECTION
                        + "]");
            }
            String key = trimmed.substring(0, separator).strip().toUpperCase(Locale.ROOT);
            String value = trimmed.substring(separator + 1).strip();
            if (key.isEmpty()) {
                throw error(name, number, "empty key in '" + trimmed + "'");
            }
            if (value.isEmpty()) {
                throw error(name, number, "empty value for key " + key);
            }
            Entry previous = entries.putIfAbsent(key, new Entry(key, value, number));
            if (previous != null) {
                throw error(name, number, "duplicate key " + key + " (first on line " + previous.line() + ")");
            }
        }
        return new IniFile(name, entries);
    }

    /** The index of the first {@code =} or {@code :}, or -1. */
    private static int separatorIndex(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '=' || c == ':') {
                return i;
            }
        }
        return -1;
    }

    /** The entry of {@code key} (any case). */
    public Optional<Entry> get(String key) {
        return Optional.ofNullable(entries().get(key.toUpperCase(Locale.ROOT)));
    }
}
