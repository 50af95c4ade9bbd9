package lottery.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import lottery.common.config.ConfigFile.Entry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlFileTest {
    /** The file the course's black-box tests write, byte for byte. */
    static final String COURSE_FILE = "server:\n  address: \"server:12345\"\nloop:\n  amount: 3\n  period: \"50ms\"\n"
            + "log:\n  level: \"INFO\"\nbatch:\n  maxAmount: 10\n";

    @TempDir
    Path dir;

    private static Map<String, String> values(String text) throws ConfigException {
        Map<String, String> values = new LinkedHashMap<>();
        YamlFile.parse("t.yaml", text).entries().forEach((key, entry) -> values.put(key, entry.value()));
        return values;
    }

    private static String error(String text) {
        try {
            YamlFile.parse("t.yaml", text);
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("no error for " + text);
    }

    @Test
    void readsTheCourseFileIntoDottedKeysWithTheirLinesInFileOrder() throws Exception {
        Path file = Files.writeString(dir.resolve("config.yaml"), COURSE_FILE);

        YamlFile yaml = YamlFile.read(file);

        assertThat(yaml.name()).isEqualTo(file.toString());
        assertThat(yaml.entries().values()).containsExactly(
                new Entry("server.address", "server:12345", 2),
                new Entry("loop.amount", "3", 4),
                new Entry("loop.period", "50ms", 5),
                new Entry("log.level", "INFO", 7),
                new Entry("batch.maxAmount", "10", 9));
    }

    @Test
    void scalarsAreReadAsWrittenAndTrimmedWhateverTheirYamlType() throws Exception {
        assertThat(values("a: 5.50\nb: true\nc: ' padded '\nd: \"\"\ne: 0x10\nf: ñandú N°1\ng: 1h30m\n"))
                .containsExactly(Map.entry("a", "5.50"), Map.entry("b", "true"), Map.entry("c", "padded"),
                        Map.entry("d", ""), Map.entry("e", "0x10"), Map.entry("f", "ñandú N°1"),
                        Map.entry("g", "1h30m"));
    }

    @Test
    void nestedAndDottedKeysAreTheSameKeysAndKeysAreCaseSensitive() throws Exception {
        assertThat(values("loop.amount: 1\nloop:\n  period: 2s\ndata: {file: x}\nBatch:\n  maxamount: 3\n"))
                .containsExactly(Map.entry("loop.amount", "1"), Map.entry("loop.period", "2s"),
                        Map.entry("data.file", "x"), Map.entry("Batch.maxamount", "3"));
    }

    @Test
    void emptyFilesAndFilesOfCommentsHaveNoKeys() throws Exception {
        assertThat(values("")).isEmpty();
        assertThat(values("# only a comment\n\n")).isEmpty();
        assertThat(values("---\n")).isEmpty();
    }

    @Test
    void aKeyGivenTwiceInAnyFormIsAnErrorNamingBothLines() {
        assertThat(error("a: 1\nb: 2\na: 3\n")).isEqualTo("t.yaml line 3: duplicate key a (first on line 1)");
        assertThat(error("loop:\n  amount: 1\nloop.amount: 2\n"))
                .isEqualTo("t.yaml line 3: duplicate key loop.amount (first on line 2)");
        assertThat(error("loop:\n  amount: 1\nloop:\n  period: 2s\n"))
                .isEqualTo("t.yaml line 3: duplicate key loop (first on line 1)");
    }

    @Test
    void listsNullsAndEmptyMappingsAreErrors() {
        assertThat(error("loop:\n  amount: [5]\n"))
                .isEqualTo("t.yaml line 2: key loop.amount must be a single value, not a list");
        assertThat(error("loop:\n  period:\n")).isEqualTo("t.yaml line 2: empty value for key loop.period");
        assertThat(error("loop:\n  period: ~\n")).isEqualTo("t.yaml line 2: empty value for key loop.period");
        assertThat(error("extra: {}\n")).isEqualTo("t.yaml line 1: empty mapping for key extra");
    }

    @Test
    void theTopLevelMustBeOneMapping() {
        assertThat(error("just text\n"))
                .isEqualTo("t.yaml line 1: the top level must be a mapping of keys (key: value lines)");
        assertThat(error("- a\n- b\n"))
                .isEqualTo("t.yaml line 1: the top level must be a mapping of keys (key: value lines)");
        assertThat(error("a: 1\n---\nb: 2\n")).isEqualTo("t.yaml line 3: a second YAML document: the file must hold"
                + " one");
    }

    @Test
    void whatTheYamlParserRefusesIsAnError() {
        assertThat(error("server: 'no end quote\n")).startsWith("config file t.yaml is not valid YAML: ");
        // An INI file given as YAML.
        assertThat(error("[DEFAULT]\nSERVER_PORT = 1\n")).startsWith("t.yaml line 1: ");
    }

    @Test
    void aFileThatIsNotUtf8OrCannotBeReadIsAnError() throws IOException {
        Path latin1 = Files.write(dir.resolve("latin1.yaml"), new byte[] {'a', ':', ' ', (byte) 0xF1, '\n'});
        Path missing = dir.resolve("missing.yaml");

        assertThatThrownBy(() -> YamlFile.read(latin1)).isInstanceOf(ConfigException.class)
                .hasMessage("config file " + latin1 + " is not valid UTF-8");
        assertThatThrownBy(() -> YamlFile.read(missing)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cannot read config file " + missing + ": ");
    }
}
