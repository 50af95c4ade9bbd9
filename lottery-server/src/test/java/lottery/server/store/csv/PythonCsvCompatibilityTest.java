package lottery.server.store.csv;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import lottery.protocol.message.Bet;
import lottery.server.store.StoredBet;
import lottery.server.support.Bets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bets file is the assignment's: a file written by {@link CsvBetStore} loads with the Python {@code load_bets}, and
 * one written by the Python {@code store_bets} loads with {@link CsvBetStore#loadBets}. Runs python3 (skipped, not
 * failed, on a machine without it) on {@code python/bets_compat.py}, which keeps the assignment's csv calls.
 */
class PythonCsvCompatibilityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Names that need quoting or are not ASCII. */
    private static final List<Bet> TRICKY = List.of(
            new Bet("María \"Mery\"", "Saldaña, Jr", "30904465", LocalDate.of(1999, 3, 17), 7574),
            new Bet("Ñandú,,\"\"", "\"", "1", LocalDate.of(1, 1, 1), 0),
            new Bet("Zoë 😀", "Ünal ' Çelik", "12345678901234567890", LocalDate.of(9999, 12, 31), 9999),
            new Bet(" leading and trailing ", "semi;colon | pipe", "42", LocalDate.of(2000, 2, 29), 7574));

    @TempDir
    static Path dir;
    private static Path script;

    @BeforeAll
    static void findPython() throws IOException {
        // A missing python3 fails the build: a skipped compatibility test would prove nothing.
        assertThat(pythonWorks()).as("python3 on the PATH (the assignment's csv functions run on it)").isTrue();
        script = dir.resolve("bets_compat.py");
        try (InputStream in = PythonCsvCompatibilityTest.class.getResourceAsStream("/python/bets_compat.py")) {
            Files.copy(in, script);
        }
    }

    @Test
    void pythonLoadsWhatBetStoreWrote() throws Exception {
        Path file = dir.resolve("java-written.csv");
        List<Bet> bets = new ArrayList<>(TRICKY);
        bets.addAll(Bets.range(4, 0, 50));
        try (CsvBetStore store = CsvBetStore.open(file, false)) {
            store.append(4, bets);
        }

        List<List<Object>> rows = JSON.readValue(python("load", file.toString()), new TypeReference<>() { });

        assertThat(rows).containsExactlyElementsOf(bets.stream().map(bet -> row(4, bet)).toList());
    }

    @Test
    void betStoreLoadsWhatPythonWroteAndBothWriteTheSameBytes() throws Exception {
        Path pythonFile = dir.resolve("python-written.csv");
        Path javaFile = dir.resolve("java-twin.csv");
        List<Bet> bets = new ArrayList<>(TRICKY);
        bets.addAll(Bets.range(2, 0, 30));
        Path rows = dir.resolve("rows.json");
        JSON.writeValue(rows.toFile(), bets.stream().map(bet -> textRow(2, bet)).toList());

        python("store", pythonFile.toString(), rows.toString());
        try (CsvBetStore store = CsvBetStore.open(javaFile, false)) {
            store.append(2, bets);
        }

        assertThat(Files.readAllBytes(javaFile)).isEqualTo(Files.readAllBytes(pythonFile));
        try (CsvBetStore store = CsvBetStore.open(pythonFile, false)) {
            assertThat(store.loadBets()).containsExactlyElementsOf(bets.stream().map(b -> Bets.stored(2, b)).toList());
        }
    }

    @Test
    void readsFieldsPythonQuotesThatTheProtocolNeverCarries() throws Exception {
        // Line breaks inside names cannot come from an agency, but a file written by Python may hold them.
        Path pythonFile = dir.resolve("python-multiline.csv");
        Path rows = dir.resolve("multiline.json");
        JSON.writeValue(rows.toFile(), List.of(
                List.of("1", "two\nlines", "cr\rhere", "7", "2001-01-01", "7574"),
                List.of("1", "", "x", "8", "2001-01-02", "1")));

        python("store", pythonFile.toString(), rows.toString());

        try (CsvBetStore store = CsvBetStore.open(pythonFile, false)) {
            assertThat(store.loadBets()).containsExactly(
                    new StoredBet(1, "two\nlines", "cr\rhere", "7", LocalDate.of(2001, 1, 1), 7574),
                    new StoredBet(1, "", "x", "8", LocalDate.of(2001, 1, 2), 1));
        }
    }

    @Test
    void theDrawPicksTheWinnersPythonsHasWonPicks() throws Exception {
        Path file = dir.resolve("draw.csv");
        try (CsvBetStore store = CsvBetStore.open(file, false)) {
            for (int agency = 1; agency <= 3; agency++) {
                store.append(agency, Bets.range(agency, 0, 60));
            }
            Map<String, List<String>> expected = JSON.readValue(python("winners", file.toString()),
                    new TypeReference<>() { });

            Map<String, List<String>> actual = store.loadBets().stream().filter(StoredBet::hasWon)
                    .collect(Collectors.groupingBy(bet -> String.valueOf(bet.agency()),
                            Collectors.mapping(StoredBet::document, Collectors.toList())));

            assertThat(actual).isEqualTo(expected).hasSize(3);
        }
    }

    private static List<Object> row(int agency, Bet bet) {
        return List.of(agency, bet.firstName(), bet.lastName(), bet.document(), bet.birthdate().toString(),
                bet.number());
    }

    private static List<String> textRow(int agency, Bet bet) {
        return List.of(String.valueOf(agency), bet.firstName(), bet.lastName(), bet.document(),
                bet.birthdate().toString(), String.valueOf(bet.number()));
    }

    private static boolean pythonWorks() {
        try {
            Process process = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs the script; its stdout, after checking that it exited 0. */
    private static String python(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("python3", script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        // The assignment's open() calls use the locale's encoding; containers run with UTF-8.
        builder.environment().put("PYTHONUTF8", "1");
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("python3 finished").isTrue();
        assertThat(process.exitValue()).as("python3 exit status").isZero();
        return out;
    }
}
