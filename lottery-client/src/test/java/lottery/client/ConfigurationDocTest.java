package lottery.client;

import static lottery.testkit.ConfigurationDoc.FLAG;
import static lottery.testkit.ConfigurationDoc.all;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lottery.testkit.ConfigurationDoc;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/CONFIGURATION.md against the client's {@code --help}, so the two cannot drift: the key table of the doc's
 * "## Client" section lists exactly the (config key, environment variable) pairs of the help, and every variable and
 * flag the help names (CLI_*, the bet variables NOMBRE..NUMERO) appears in that section. A new key goes into
 * ClientConfig/ClientConfigLoader, the help and the doc together (CONTRIBUTING.md). Uses only {@link ClientMain}.
 */
class ConfigurationDocTest {
    /** A row of the help's table: the key ("(none)" for an environment-only one), then its CLI_* variable. */
    private static final Pattern HELP_ROW = Pattern.compile("(?m)^(\\S+)\\s+(CLI_[A-Z0-9_]*[A-Z0-9])\\s");
    /** A row of the doc's key table: a backticked key or "—", then the backticked CLI_* variable. */
    private static final Pattern DOC_ROW = Pattern.compile("(?m)^\\| (?:`([^`]+)`|—) \\| `(CLI_[A-Z0-9_]*)` \\|");
    /** Any CLI_* variable. */
    private static final Pattern VARIABLE = Pattern.compile("\\b(CLI_[A-Z0-9_]*[A-Z0-9])\\b");
    /** The bet variables of exercise 5, in the help's own line "NOMBRE, APELLIDO, ...: one bet". */
    private static final Pattern BET_LINE = Pattern.compile("(?m)^(NOMBRE\\b.*?):");

    private static String help;
    private static String section;

    @BeforeAll
    static void read() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThatThrownBy(() -> ClientMain.configure(new String[] {"--help"}, Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new ArrayList<>()))
                .isInstanceOfSatisfying(ClientMain.StartupExit.class, e -> assertThat(e.status()).isZero());
        help = out.toString(StandardCharsets.UTF_8);
        section = ConfigurationDoc.section("Client");
    }

    /** "key = VARIABLE" for every row; an environment-only key is "(none)" in the help, "—" in the doc. */
    private static Set<String> pairs(Pattern row, String text) {
        Set<String> found = new TreeSet<>();
        Matcher m = row.matcher(text);
        while (m.find()) {
            String key = m.group(1) == null || m.group(1).equals("(none)") ? "-" : m.group(1);
            found.add(key + " = " + m.group(2));
        }
        return found;
    }

    /** NOMBRE, APELLIDO, DOCUMENTO, NACIMIENTO, NUMERO as the help lists them. */
    private static Set<String> betVariables() {
        Matcher line = BET_LINE.matcher(help);
        assertThat(line.find()).as("--help names the bet variables (a line starting with NOMBRE)").isTrue();
        // Without its parenthesised notes: "NACIMIENTO (YYYY-MM-DD)" names one variable.
        return all(Pattern.compile("\\b([A-Z]{4,})\\b"), line.group(1).replaceAll("\\([^)]*\\)", ""));
    }

    @Test
    void theHelpListsTheKeysThisTestParses() {
        // Guards the parsing itself: if the help's layout changes so that no row is found, this says so.
        assertThat(pairs(HELP_ROW, help)).contains("- = CLI_ID", "server.address = CLI_SERVER_ADDRESS",
                "batch.maxAmount = CLI_BATCH_MAXAMOUNT");
        assertThat(betVariables()).containsExactlyInAnyOrder("NOMBRE", "APELLIDO", "DOCUMENTO", "NACIMIENTO", "NUMERO");
    }

    @Test
    void theDocsKeyTableListsExactlyTheHelpsKeysAndVariables() {
        assertThat(pairs(DOC_ROW, section))
                .as("the (key, variable) rows under \"## Client\" in docs/CONFIGURATION.md vs --help")
                .containsExactlyInAnyOrderElementsOf(pairs(HELP_ROW, help));
    }

    @Test
    void everyVariableAndFlagTheHelpMentionsAppearsInTheDoc() {
        Set<String> names = all(VARIABLE, help);
        names.addAll(betVariables());
        names.addAll(all(FLAG, help));
        for (String name : names) {
            assertThat(section).as("docs/CONFIGURATION.md \"## Client\" mentions %s (from --help)", name)
                    .contains(name);
        }
    }

    @Test
    void everyClientVariableTheDocMentionsIsKnownToTheHelp() {
        assertThat(all(VARIABLE, help)).as("CLI_* variables in docs/CONFIGURATION.md \"## Client\" unknown to --help")
                .containsAll(all(VARIABLE, section));
    }
}
