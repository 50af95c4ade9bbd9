package lottery.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import lottery.protocol.codec.GoldenFrames.Golden;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.MessageType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/PROTOCOL.md is the contract other people code against, so it is checked like code: the worked examples of §8
 * must be the golden frames byte for byte, the tables of §3 and §7 must list exactly the enums' values, and §7's
 * retryable errors exactly the codes {@link ErrorCode#isRetryable()} says.
 */
class SpecConsistencyTest {
    /** {@code <!-- golden: NAME -->}, then a fenced text block whose lines are {@code hex bytes | comment}. */
    private static final Pattern EXAMPLE = Pattern.compile("<!-- golden: (\\w+) -->.*?```text\\n(.*?)```",
            Pattern.DOTALL);
    /** A §3 row: {@code | 0x01 | `HELLO` | client → server | ...}. */
    private static final Pattern TYPE_ROW = Pattern.compile(
            "^\\|\\s*0x([0-9a-f]{2})\\s*\\|\\s*`([A-Z_]+)`\\s*\\|\\s*(client|server) → (client|server)\\s*\\|",
            Pattern.MULTILINE);
    /** A §7 row: {@code | 1 | `MALFORMED_FRAME` | yes | ...}. */
    private static final Pattern ERROR_ROW = Pattern.compile(
            "^\\|\\s*(\\d+)\\s*\\|\\s*`([A-Z_]+)`\\s*\\|\\s*(yes|no)\\s*\\|", Pattern.MULTILINE);
    /** §7's paragraph that names the retryable codes, up to its blank line. */
    private static final Pattern RETRYABLE_PARAGRAPH = Pattern.compile("^\\*\\*Retryable errors\\*\\*(.*?)\\n\\n",
            Pattern.MULTILINE | Pattern.DOTALL);
    private static final Pattern CODE_NAME = Pattern.compile("`([A-Z_]+)`");

    private static String spec;

    @BeforeAll
    static void readSpec() throws IOException {
        spec = Files.readString(locateSpec(), StandardCharsets.UTF_8);
    }

    /** Tests run in the module directory; the spec sits in the repository root's docs/. */
    private static Path locateSpec() {
        Path dir = Path.of("").toAbsolutePath();
        for (int depth = 0; depth < 3 && dir != null; depth++, dir = dir.getParent()) {
            Path candidate = dir.resolve("docs").resolve("PROTOCOL.md");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("docs/PROTOCOL.md not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void theWorkedExamplesAreTheGoldenFrames() {
        Map<String, String> examples = new LinkedHashMap<>();
        Matcher m = EXAMPLE.matcher(spec);
        while (m.find()) {
            String hex = m.group(2).lines()
                    .map(line -> line.substring(0, line.indexOf('|')).replaceAll("\\s", ""))
                    .collect(Collectors.joining());
            assertThat(examples.put(m.group(1), hex)).as("example %s appears once", m.group(1)).isNull();
        }
        Map<String, String> goldens = new LinkedHashMap<>();
        for (Golden golden : GoldenFrames.all()) {
            goldens.put(golden.name(), Hex.dump(golden.bytes()));
        }
        assertThat(examples).containsExactlyEntriesOf(goldens);
    }

    @Test
    void theTypeTableListsEveryMessageType() {
        Matcher m = TYPE_ROW.matcher(spec);
        List<String> rows = new ArrayList<>();
        while (m.find()) {
            rows.add(m.group(1) + " " + m.group(2) + " " + m.group(4));
        }
        List<String> expected = Arrays.stream(MessageType.values())
                .map(t -> String.format("%02x %s %s", t.opcode(), t.name(),
                        t.direction() == MessageType.Direction.TO_SERVER ? "server" : "client"))
                .toList();
        assertThat(rows).containsExactlyElementsOf(expected);
    }

    @Test
    void theErrorTableIsErrorCode() {
        Matcher m = ERROR_ROW.matcher(spec);
        List<String> rows = new ArrayList<>();
        while (m.find()) {
            rows.add(m.group(1) + " " + m.group(2) + " " + m.group(3));
        }
        List<String> expected = Arrays.stream(ErrorCode.values())
                .map(c -> c.code() + " " + c.name() + " " + (c.closesConnection() ? "yes" : "no"))
                .toList();
        assertThat(rows).containsExactlyElementsOf(expected);
    }

    @Test
    void theRetryableErrorsAreTheRetryableCodes() {
        Matcher paragraph = RETRYABLE_PARAGRAPH.matcher(spec);
        assertThat(paragraph.find()).as("§7 has a **Retryable errors** paragraph").isTrue();
        List<String> named = new ArrayList<>();
        Matcher m = CODE_NAME.matcher(paragraph.group(1));
        while (m.find()) {
            named.add(m.group(1));
        }
        List<String> expected = Arrays.stream(ErrorCode.values())
                .filter(ErrorCode::isRetryable)
                .map(ErrorCode::name)
                .toList();
        assertThat(expected).isNotEmpty();
        assertThat(named).containsExactlyInAnyOrderElementsOf(expected);
    }
}
