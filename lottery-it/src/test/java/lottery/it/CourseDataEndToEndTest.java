package lottery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import lottery.server.support.TestServer;
import lottery.testkit.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exercises 6 and 7 with a whole dataset: five real clients at once, each sending its agency-N.csv, against one real
 * server for five agencies. Every bet must be stored exactly once under its agency, and each agency must learn as
 * many winners as its file has bets on 7574. The files are the course's dataset.zip when it is found, else the
 * generated dataset; the expected figures are counted from the files ({@link Dataset#expectedCounts()}, which also
 * checks the course's published figures when the zip is used).
 */
class CourseDataEndToEndTest {
    private static final int AGENCIES = Dataset.AGENCIES;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void fiveAgenciesSendTheWholeDataSetAtOnceAndEachLearnsItsWinners() throws Exception {
        Dataset dataset = Dataset.get();
        Map<Integer, Dataset.AgencyCounts> expected = dataset.expectedCounts();
        Map<Integer, List<String>> lines = new TreeMap<>();
        for (int agency = 1; agency <= AGENCIES; agency++) {
            lines.put(agency, Files.readAllLines(dataset.file(agency), StandardCharsets.UTF_8)
                    .stream().filter(line -> !line.isEmpty()).toList());
        }

        try (TestServer server = TestServer.start(dir, AGENCIES);
             LogRecorder logs = LogRecorder.open()) {
            try (ClientGroup clients = ClientGroup.start(AGENCIES, agency -> server.port(),
                    Map.of("CLI_DATA_FILE", dataset.dir().resolve("agency-{id}.csv").toString(),
                            "CLI_WINNERS_TIMEOUT", WAIT.toSeconds() + "s"))) {
                clients.assertEveryExitIsZero(WAIT);
            }

            Map<Integer, List<String>> stored = storedLinesByAgency(StoredBets.text(server));
            assertThat(stored.keySet()).containsExactlyElementsOf(expected.keySet());
            for (int agency = 1; agency <= AGENCIES; agency++) {
                assertThat(stored.get(agency)).as("rows of agency %d", agency).hasSize(expected.get(agency).bets());
                // Neither dataset needs quoting, so each row is the agency, a comma and the file's line, and one
                // connection's batches are stored in the order they were sent.
                assertSameRows(agency, stored.get(agency), lines.get(agency));
                assertThat(logs.client("client-" + agency)).as("client %d", agency)
                        .contains("action: consulta_ganadores | result: success | cant_ganadores: "
                                + expected.get(agency).winners());
            }
            assertThat(logs.server()).filteredOn(line -> line.startsWith("action: sorteo"))
                    .containsExactly("action: sorteo | result: success");
            assertThat(logs.messages(line -> line.message().contains("result: fail"))).isEmpty();
            assertThat(logs.unparsable()).isEmpty();
        }
    }

    /** The bets file's lines without their "agency," prefix, by agency, in file order. */
    private static Map<Integer, List<String>> storedLinesByAgency(String text) {
        Map<Integer, List<String>> byAgency = new TreeMap<>();
        for (String line : text.split("\r\n")) {
            int comma = line.indexOf(',');
            byAgency.computeIfAbsent(Integer.parseInt(line.substring(0, comma)), a -> new ArrayList<>())
                    .add(line.substring(comma + 1));
        }
        return byAgency;
    }

    /** Compares equally long lists row by row, naming only the first difference (not 27,000 rows). */
    private static void assertSameRows(int agency, List<String> stored, List<String> expected) {
        int differs = IntStream.range(0, expected.size())
                .filter(i -> !stored.get(i).equals(expected.get(i)))
                .findFirst().orElse(-1);
        assertThat(differs).as(() -> "agency %d: stored row %d is '%s', the file's line is '%s'".formatted(agency,
                differs + 1, stored.get(differs), expected.get(differs))).isEqualTo(-1);
    }
}
