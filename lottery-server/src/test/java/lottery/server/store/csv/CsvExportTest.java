package lottery.server.store.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import lottery.server.store.StoredBet;
import lottery.server.support.Bets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CsvExport}: the round's whole batches, copied without the lock, written all at once or not at all. */
class CsvExportTest {
    @TempDir
    Path dir;

    private Path bets() {
        return dir.resolve("bets.csv");
    }

    private void round() throws IOException {
        try (CsvBetStore store = CsvBetStore.newRound(bets(), 2)) {
            store.append(1, 1, Bets.range(1, 0, 10));
            store.append(2, 1, Bets.range(2, 0, 4));
            store.append(1, 2, Bets.range(1, 10, 13));
        }
    }

    @Test
    void theCopyIsTheBetsFileByteForByteAndLoadsAsTheBetsStored() throws IOException {
        round();
        Path file = dir.resolve("export.csv");

        CsvExport.Exported exported = CsvExport.export(bets(), file);

        assertThat(exported.bets()).isEqualTo(17);
        assertThat(Files.readAllBytes(file)).isEqualTo(Files.readAllBytes(bets()));
        assertThat(exported.bytes()).isEqualTo(Files.size(bets()));
        List<StoredBet> expected = new ArrayList<>();
        Bets.range(1, 0, 10).forEach(bet -> expected.add(Bets.stored(1, bet)));
        Bets.range(2, 0, 4).forEach(bet -> expected.add(Bets.stored(2, bet)));
        Bets.range(1, 10, 13).forEach(bet -> expected.add(Bets.stored(1, bet)));
        try (CsvBetStore copy = CsvBetStore.open(file, false)) {
            assertThat(copy.loadBets()).containsExactlyElementsOf(expected);
        }
        assertThat(dir.resolve("export.csv.tmp")).doesNotExist();
    }

    @Test
    void rowsWithoutTheirBatchRecordAreLeftOutAndTheStoreIsUntouched() throws IOException {
        round();
        byte[] whole = Files.readAllBytes(bets());
        // A batch being written right now: its rows there, its record not yet.
        Files.writeString(bets(), "2,Ana,Paz,20000099,2000-01-01,7574\r\n", StandardOpenOption.APPEND);
        byte[] betsBefore = Files.readAllBytes(bets());
        byte[] logBefore = Files.readAllBytes(RoundLog.pathFor(bets()));

        CsvExport.export(bets(), dir.resolve("export.csv"));

        assertThat(Files.readAllBytes(dir.resolve("export.csv"))).isEqualTo(whole);
        assertThat(Files.readAllBytes(bets())).isEqualTo(betsBefore);
        assertThat(Files.readAllBytes(RoundLog.pathFor(bets()))).isEqualTo(logBefore);
    }

    @Test
    void anExistingFileIsReplacedWhole() throws IOException {
        round();
        Path file = Files.writeString(dir.resolve("export.csv"), "an older export, longer than nothing".repeat(500));

        CsvExport.export(bets(), file);

        assertThat(Files.readAllBytes(file)).isEqualTo(Files.readAllBytes(bets()));
    }

    @Test
    void aRoundWithoutBetsExportsAnEmptyFile() throws IOException {
        CsvBetStore.newRound(bets(), 1).close();

        assertThat(CsvExport.export(bets(), dir.resolve("export.csv")).bets()).isZero();
        assertThat(dir.resolve("export.csv")).isEmptyFile();
    }

    @Test
    void withoutARoundNothingIsWritten() throws IOException {
        Path file = Files.writeString(dir.resolve("export.csv"), "the last export");

        assertThatThrownBy(() -> CsvExport.export(bets(), file)).isInstanceOf(IOException.class)
                .hasMessage("there is no round to export: no round log " + bets() + ".round");

        assertThat(Files.readString(file)).isEqualTo("the last export");
        assertThat(dir.resolve("export.csv.tmp")).doesNotExist();
        assertThat(bets()).doesNotExist();
    }

    @Test
    void aFailedRenameLeavesTheTargetAsItWasAndNoTemporaryFile() throws IOException {
        round();
        // A non-empty directory cannot be replaced by a file: the last step fails, after the copy was written.
        Path file = Files.createDirectory(dir.resolve("export.csv"));
        Files.writeString(file.resolve("inside"), "x");

        assertThatThrownBy(() -> CsvExport.export(bets(), file)).isInstanceOf(IOException.class);

        assertThat(Files.readString(file.resolve("inside"), StandardCharsets.UTF_8)).isEqualTo("x");
        assertThat(dir.resolve("export.csv.tmp")).doesNotExist();
    }

    @Test
    void theStoresOwnFilesAreNotATarget() throws IOException {
        round();
        byte[] before = Files.readAllBytes(bets());

        for (Path own : List.of(bets(), RoundLog.pathFor(bets()), StorageLock.pathFor(bets()),
                dir.resolve("sub/../bets.csv"))) {
            assertThatThrownBy(() -> CsvExport.export(bets(), own)).isInstanceOf(IOException.class)
                    .hasMessageContaining("is a file of the store itself");
        }
        assertThat(Files.readAllBytes(bets())).isEqualTo(before);
    }
}
