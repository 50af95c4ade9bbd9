package lottery.client.agency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import lottery.protocol.message.Bet;
import lottery.testkit.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The course ships its agency files zipped: a client whose CSV was never extracted reads it from the zip. */
class BetSourceTest {
    private static final String ROWS = "Ana,Peña,1,2000-01-01,7574\r\nJosé,Díaz,2,1990-12-31,1\r\n";

    @TempDir
    Path dir;

    private Path zip(String name, Map<String, String> entries) throws IOException {
        Path zip = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream zipOut = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> entry : entries.entrySet()) {
                zipOut.putNextEntry(new ZipEntry(entry.getKey()));
                zipOut.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                zipOut.closeEntry();
            }
        }
        return zip;
    }

    private static List<Bet> readAll(Path csv) throws BetFileException {
        List<Bet> bets = new ArrayList<>();
        try (BetFile file = BetFile.open(csv, 2)) {
            for (int size = file.next(); size >= 0; size = file.next()) {
                bets.add(BetFileTest.decode(file, size));
            }
            assertThat(file.percentRead()).isEqualTo(100);
        }
        return bets;
    }

    @Test
    void aPlainFileIsReadAsItIs() throws Exception {
        Path csv = Files.writeString(dir.resolve("agency-2.csv"), ROWS, StandardCharsets.UTF_8);
        zip("dataset.zip", Map.of("agency-2.csv", "X,Y,9,2000-01-01,9\n")); // ignored: the file exists
        assertThat(BetSource.locate(csv)).contains(new BetSource(csv, null));
        assertThat(readAll(csv)).extracting(Bet::document).containsExactly("1", "2");
    }

    @Test
    void aMissingFileIsReadFromTheZipBesideIt() throws Exception {
        Path zip = zip("dataset.zip", Map.of("agency-1.csv", "X,Y,9,2000-01-01,9\n", "agency-2.csv", ROWS));
        Path csv = dir.resolve("agency-2.csv");
        try (LogCapture logs = LogCapture.open(Level.DEBUG)) {
            assertThat(readAll(csv)).containsExactly(
                    new Bet("Ana", "Peña", "1", LocalDate.of(2000, 1, 1), 7574),
                    new Bet("José", "Díaz", "2", LocalDate.of(1990, 12, 31), 1));
            assertThat(logs.messagesStartingWith("action: open_bets")).containsExactly(
                    "action: open_bets | result: success | client_id: 2 | file: " + zip + "!agency-2.csv");
        }
    }

    @Test
    void theStatementsSpellingAndAFolderInsideTheZipWork() throws Exception {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("data/deeper/agency-2.csv", "X,Y,9,2000-01-01,9\n");
        entries.put("data/agency-2.csv", ROWS);
        Path zip = zip("datasets.zip", entries);
        Path csv = dir.resolve("agency-2.csv");
        assertThat(BetSource.locate(csv)).contains(new BetSource(zip, "data/agency-2.csv"));
        assertThat(readAll(csv)).extracting(Bet::document).containsExactly("1", "2");
    }

    @Test
    void noFileAndNoEntryIsAClearError() throws Exception {
        zip("dataset.zip", Map.of("agency-1.csv", ROWS));
        Files.writeString(dir.resolve("datasets.zip"), "not a zip");
        Path csv = dir.resolve("agency-2.csv");
        assertThat(BetSource.locate(csv)).isEmpty();
        assertThatThrownBy(() -> BetFile.open(csv, 2)).isInstanceOf(BetFileException.class)
                .hasMessage(csv + " cannot be opened: not a readable file, and no dataset.zip or datasets.zip"
                        + " beside it holds agency-2.csv");
    }

    @Test
    void aDirectoryInThePlaceOfTheFileIsNotReplacedByTheZip() throws Exception {
        zip("dataset.zip", Map.of("agency-2.csv", ROWS));
        Path csv = Files.createDirectory(dir.resolve("agency-2.csv"));
        assertThat(BetSource.locate(csv)).isEmpty();
    }
}
