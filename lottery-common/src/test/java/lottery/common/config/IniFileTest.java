package lottery.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import lottery.common.config.ConfigFile.Entry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IniFileTest {
    /** The file the course's black-box tests write, byte for byte: no line end after the last line. */
    static final String COURSE_FILE = "[DEFAULT]\nSERVER_PORT = 12345\nSERVER_IP = server\nSERVER_LISTEN_BACKLOG = 8\n"
            + "LOGGING_LEVEL = DEBUG";

    @TempDir
    Path dir;

    private static Map<String, String> values(String text) throws ConfigException {
        Map<String, String> values = new LinkedHashMap<>();
        IniFile.parse("t.ini", text).entries().forEach((key, entry) -> values.put(key, entry.value()));
        return values;
    }

    private static String error(String text) {
        try {
            IniFile.parse("t.ini", text);
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("no error for " + text);
    }

    @Test
    void readsTheCourseFileWithoutATrailingNewlineInFileOrder() throws Exception {
        Path file = Files.write(dir.resolve("config.ini"), COURSE_FILE.getBytes(StandardCharsets.UTF_8));

        IniFile ini = IniFile.read(file);

        assertThat(ini.name()).isEqualTo(file.toString());
        assertThat(ini.entries().values()).containsExactly(
                new Entry("SERVER_PORT", "12345", 2),
                new Entry("SERVER_IP", "server", 3),
                new Entry("SERVER_LISTEN_BACKLOG", "8", 4),
                new Entry("LOGGING_LEVEL", "DEBUG", 5));
    }

    @Test
    void crlfAndALoneCrEndLinesLikeLf() throws Exception {
        assertThat(values(COURSE_FILE.replace("\n", "\r\n") + "\r\n"))
                .isEqualTo(values(COURSE_FILE))
                .containsEntry("LOGGING_LEVEL", "DEBUG");
        assertThat(values("[DEFAULT]\rA = 1\rB = 2")).containsExactly(Map.entry("A", "1"), Map.entry("B", "2"));
        assertThat(IniFile.parse("t.ini", "[DEFAULT]\r\n\r\nA = 1\r\n").get("A").orElseThrow().line()).isEqualTo(3);
    }

    @Test
    void aLeadingByteOrderMarkIsIgnored() throws Exception {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] text = COURSE_FILE.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[bom.length + text.length];
        System.arraycopy(bom, 0, bytes, 0, bom.length);
        System.arraycopy(text, 0, bytes, bom.length, text.length);

        IniFile ini = IniFile.read(Files.write(dir.resolve("bom.ini"), bytes));

        assertThat(ini.get("SERVER_PORT")).contains(new Entry("SERVER_PORT", "12345", 2));
    }

    @Test
    void keysAreCaseInsensitiveAndComeBackInUpperCase() throws Exception {
        IniFile ini = IniFile.parse("t.ini", "[DEFAULT]\nserver_port = 1\nLogging_Level = info\n");

        assertThat(ini.entries().keySet()).containsExactly("SERVER_PORT", "LOGGING_LEVEL");
        assertThat(ini.get("Server_Port")).contains(new Entry("SERVER_PORT", "1", 2));
        // Values keep their case.
        assertThat(ini.get("LOGGING_LEVEL").orElseThrow().value()).isEqualTo("info");
        assertThat(ini.get("SERVER_IP")).isEmpty();
    }

    @Test
    void theFirstEqualsOrColonSplitsAndKeyAndValueAreTrimmed() throws Exception {
        assertThat(values("[DEFAULT]\nA=1\nB:2\nC \t=\t 3 \t\nD: x = y\nE = a:b\nF : =\nG=http://h:1/p\n"))
                .containsExactly(Map.entry("A", "1"), Map.entry("B", "2"), Map.entry("C", "3"),
                        Map.entry("D", "x = y"), Map.entry("E", "a:b"), Map.entry("F", "="),
                        Map.entry("G", "http://h:1/p"));
    }

    @Test
    void commentsAndBlankLinesAreSkippedButThereAreNoInlineComments() throws Exception {
        IniFile ini = IniFile.parse("t.ini", """
                # the server
                ; configuration

                [DEFAULT]
                   # an indented comment
                \t; another
                A = 1 # not a comment
                B = x ; neither
                \s\s
                C = #
                """);

        assertThat(ini.entries().values()).containsExactly(
                new Entry("A", "1 # not a comment", 7),
                new Entry("B", "x ; neither", 8),
                new Entry("C", "#", 10));
    }

    @Test
    void emptyFilesAndFilesWithOnlyTheHeaderOrCommentsHaveNoKeys() throws Exception {
        assertThat(values("")).isEmpty();
        assertThat(values("\n\n")).isEmpty();
        assertThat(values("# nothing yet\n")).isEmpty();
        assertThat(values("[DEFAULT]")).isEmpty();
        assertThat(values("\uFEFF[DEFAULT]\n")).isEmpty();
    }

    @Test
    void aKeyBeforeTheSectionHeaderIsAnError() {
        assertThat(error("SERVER_PORT = 1\n[DEFAULT]\n"))
                .isEqualTo("t.ini line 1: key before the section header: the file must start with [DEFAULT]");
        assertThat(error("# c\n\nA: 1\n")).startsWith("t.ini line 3: key before the section header");
    }

    @Test
    void anyOtherSectionThanDefaultIsAnError() {
        assertThat(error("[DEFAULT]\nA = 1\n[server]\nB = 2\n"))
                .isEqualTo("t.ini line 3: section [server]: only [DEFAULT] is read");
        // Section names are case-sensitive in configparser: [default] is not the DEFAULT section.
        assertThat(error("[default]\n")).isEqualTo("t.ini line 1: section [default]: only [DEFAULT] is read");
        assertThat(error("[ DEFAULT ]\n")).isEqualTo("t.ini line 1: section [ DEFAULT ]: only [DEFAULT] is read");
    }

    @Test
    void aMalformedSectionHeaderIsAnError() {
        assertThat(error("[DEFAULT\n")).isEqualTo(
                "t.ini line 1: malformed section header '[DEFAULT'; the file must start with [DEFAULT]");
        assertThat(error("[DEFAULT]\n[]\n")).startsWith("t.ini line 2: malformed section header '[]'");
        assertThat(error("[DEFAULT] x\n")).startsWith("t.ini line 1: malformed section header '[DEFAULT] x'");
    }

    @Test
    void aDuplicatedSectionOrKeyIsAnError() {
        assertThat(error("[DEFAULT]\nA = 1\n\n[DEFAULT]\n"))
                .isEqualTo("t.ini line 4: duplicate section [DEFAULT] (first on line 1)");
        assertThat(error("[DEFAULT]\nA = 1\nB = 2\nA = 1\n"))
                .isEqualTo("t.ini line 4: duplicate key A (first on line 2)");
        // Keys are case-insensitive, so these are the same key.
        assertThat(error("[DEFAULT]\nserver_port = 1\nSERVER_PORT = 1\n"))
                .isEqualTo("t.ini line 3: duplicate key SERVER_PORT (first on line 2)");
    }

    @Test
    void aLineThatIsNeitherCommentHeaderNorKeyValueIsAnError() {
        assertThat(error("[DEFAULT]\nSERVER_PORT 12345\n"))
                .isEqualTo("t.ini line 2: 'SERVER_PORT 12345' is not a KEY = VALUE line");
        assertThat(error("[DEFAULT]\r\nA = 1\r\nB\r\n")).isEqualTo("t.ini line 3: 'B' is not a KEY = VALUE line");
        assertThat(error("garbage")).isEqualTo("t.ini line 1: 'garbage' is not a KEY = VALUE line");
    }

    @Test
    void indentedLinesAreErrorsBecauseMultiLineValuesAreNotSupported() {
        assertThat(error("[DEFAULT]\nA = 1\n  2\n")).isEqualTo("t.ini line 3: indented line '2': continuation"
                + " lines (multi-line values) are not supported; remove the indentation");
        assertThat(error("[DEFAULT]\nA = 1\n\tB = 2\n")).startsWith("t.ini line 3: indented line 'B = 2'");
        assertThat(error(" [DEFAULT]\n")).startsWith("t.ini line 1: indented line '[DEFAULT]'");
    }

    @Test
    void anEmptyKeyOrAnEmptyValueIsAnError() {
        assertThat(error("[DEFAULT]\n= 12345\n")).isEqualTo("t.ini line 2: empty key in '= 12345'");
        assertThat(error("[DEFAULT]\n : x\n")).startsWith("t.ini line 2: indented line");
        assertThat(error("[DEFAULT]\nSERVER_PORT =\n")).isEqualTo("t.ini line 2: empty value for key SERVER_PORT");
        assertThat(error("[DEFAULT]\nserver_ip:   \n")).isEqualTo("t.ini line 2: empty value for key SERVER_IP");
    }

    @Test
    void aFileThatIsNotUtf8OrCannotBeReadIsAnError() throws IOException {
        Path latin1 = Files.write(dir.resolve("latin1.ini"),
                "[DEFAULT]\nA = año\n".getBytes(StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> IniFile.read(latin1)).isInstanceOf(ConfigException.class)
                .hasMessage("config file " + latin1 + " is not valid UTF-8");
        assertThatThrownBy(() -> IniFile.read(dir)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cannot read config file " + dir + ": ");
    }

    @Test
    void utf8ValuesAreReadAsWritten() throws Exception {
        Path file = Files.writeString(dir.resolve("utf8.ini"), "[DEFAULT]\nSERVER_STORAGE_PATH = /datos/año.csv\n",
                StandardCharsets.UTF_8);

        assertThat(IniFile.read(file).get("SERVER_STORAGE_PATH").orElseThrow().value()).isEqualTo("/datos/año.csv");
    }
}
