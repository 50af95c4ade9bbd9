package lottery.server;

import static lottery.testkit.ConfigurationDoc.FLAG;
import static lottery.testkit.ConfigurationDoc.all;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import lottery.testkit.ConfigurationDoc;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/CONFIGURATION.md against the server's {@code --help}, so the two cannot drift: every key and variable the help
 * names appears in the doc's "## Server" section, and that section's key table lists exactly the help's keys. A new
 * key goes into ServerConfig/ConfigLoader, the help and the doc together (CONTRIBUTING.md).
 */
class ConfigurationDocTest {
    /** A key of the help's list: two spaces, then the key in capitals, then spaces (also the INI example's lines). */
    private static final Pattern HELP_KEY_LINE = Pattern.compile("(?m)^  ([A-Z][A-Z0-9_]*[A-Z0-9])\\s");
    /** Any configuration name in the help's prose: SERVER_* and LOGGING_LEVEL (with or without "=value"). */
    private static final Pattern HELP_NAME = Pattern.compile("\\b(SERVER_[A-Z0-9_]*[A-Z0-9]|LOGGING_LEVEL)\\b");
    /** A row of the doc's key table: its first cell is one backticked key. */
    private static final Pattern DOC_KEY_ROW = Pattern.compile("(?m)^\\| `([A-Z][A-Z0-9_]*)` \\|");

    private static String help;
    private static String section;

    @BeforeAll
    static void read() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = ServerMain.run(new String[] {"--help"}, Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), stop -> { });
        assertThat(status).isZero();
        help = out.toString(StandardCharsets.UTF_8);
        section = ConfigurationDoc.section("Server");
    }

    @Test
    void theHelpListsTheKeysThisTestParses() {
        // Guards the parsing itself: if the help's layout changes so that no key is found, this says so.
        assertThat(all(HELP_KEY_LINE, help)).contains("SERVER_PORT", "LOGGING_LEVEL", "SERVER_PG_URL");
    }

    @Test
    void everyKeyOfTheHelpIsInTheDocsKeyTableAndNoOther() {
        assertThat(all(DOC_KEY_ROW, section))
                .as("the keys of the table under \"## Server\" in docs/CONFIGURATION.md vs --help")
                .containsExactlyInAnyOrderElementsOf(all(HELP_KEY_LINE, help));
    }

    @Test
    void everyNameAndFlagTheHelpMentionsAppearsInTheDoc() {
        Set<String> names = all(HELP_NAME, help);
        names.addAll(all(FLAG, help));
        assertThat(names).as("--help's keys, variables and flags").isNotEmpty();
        for (String name : names) {
            assertThat(section).as("docs/CONFIGURATION.md \"## Server\" mentions %s (from --help)", name)
                    .contains(name);
        }
    }

    @Test
    void everyServerNameTheDocMentionsIsKnownToTheHelp() {
        Set<String> documented = all(HELP_NAME, section);
        assertThat(all(HELP_NAME, help)).as("names in docs/CONFIGURATION.md \"## Server\" that --help does not know")
                .containsAll(documented);
    }
}
