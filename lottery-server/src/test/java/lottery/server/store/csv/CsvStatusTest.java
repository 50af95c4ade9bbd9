package lottery.server.store.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Stream;
import lottery.server.store.RoundStatus;
import lottery.server.store.RoundStatus.AgencyStatus;
import lottery.server.support.Bets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CsvStatus}: the round as the round log records it, read without the lock and without writing anything. */
class CsvStatusTest {
    @TempDir
    Path dir;

    private Path bets() {
        return dir.resolve("bets.csv");
    }

    /** Every file of the directory with its bytes: nothing is created, cut or changed by a read. */
    private Map<String, String> files() throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path file : list.toList()) {
                files.put(file.getFileName().toString(), Files.readString(file, StandardCharsets.ISO_8859_1));
            }
        }
        return files;
    }

    @Test
    void noRoundLogIsNoRoundAndNothingIsCreated() throws IOException {
        assertThat(CsvStatus.read(bets())).isEqualTo(RoundStatus.none());
        assertThat(files()).isEmpty();
    }

    @Test
    void aRoundInProgressListsEveryAgencyOfTheRoundWithoutWinners() throws IOException {
        try (CsvBetStore store = CsvBetStore.newRound(bets(), 3)) {
            store.append(1, 1, Bets.range(1, 0, 10));
            store.append(1, 2, Bets.range(1, 10, 12));
            store.append(2, 1, Bets.range(2, 0, 5));
            store.finish(1, 12);
        }
        Map<String, String> before = files();

        RoundStatus status = CsvStatus.read(bets());

        assertThat(status.present()).isTrue();
        assertThat(status.drawn()).isFalse();
        assertThat(status.agencies()).isEqualTo(3);
        assertThat(status.bets()).isEqualTo(17);
        assertThat(status.finished()).isEqualTo(1);
        assertThat(status.answered()).isZero();
        assertThat(status.winners()).isEmpty();
        assertThat(status.perAgency()).containsExactly(
                new AgencyStatus(1, 12, true, false, OptionalLong.empty()),
                new AgencyStatus(2, 5, false, false, OptionalLong.empty()),
                new AgencyStatus(3, 0, false, false, OptionalLong.empty()));
        assertThat(files()).isEqualTo(before);
    }

    @Test
    void afterTheDrawEachAgencyHasTheWinnersTheDrawFinds() throws IOException {
        try (CsvBetStore store = CsvBetStore.newRound(bets(), 2)) {
            store.append(1, 1, Bets.range(1, 0, 10)); // every seventh bet wins: 0, 7
            store.append(2, 1, Bets.range(2, 0, 15)); // 0, 7, 14
            store.finish(1, 10);
            store.finish(2, 15);
            store.drawn(25, 5);
            store.answered(2);
        }

        RoundStatus status = CsvStatus.read(bets());

        assertThat(status.drawn()).isTrue();
        assertThat(status.winners()).hasValue(5);
        assertThat(status.perAgency()).containsExactly(
                new AgencyStatus(1, 10, true, false, OptionalLong.of(2)),
                new AgencyStatus(2, 15, true, true, OptionalLong.of(3)));
    }

    @Test
    void anAgencyWithoutWinnersHasZeroAfterTheDrawAndAnAgencyOutsideTheRangeIsListed() throws IOException {
        try (CsvBetStore store = CsvBetStore.newRound(bets(), 0)) {
            store.append(9, 1, Bets.range(9, 1, 5)); // 1..4: no winner
            store.finish(9, 4);
            store.drawn(4, 0);
        }

        assertThat(CsvStatus.read(bets()).perAgency())
                .containsExactly(new AgencyStatus(9, 4, true, false, OptionalLong.of(0)));
    }

    @Test
    void aTornTailIsLeftOutAndLeftInPlace() throws IOException {
        try (CsvBetStore store = CsvBetStore.newRound(bets(), 2)) {
            store.append(1, 1, Bets.range(1, 0, 8));
            store.finish(1, 8);
            store.finish(2, 0);
            store.drawn(8, 2);
        }
        long whole = Files.size(bets());
        // A batch being written right now: its rows partly there, its record not yet whole; and a record whose rows
        // are not (yet) in the bets file at all.
        Files.writeString(bets(), "2,Ana,Paz,20000000,2000-01-01,7574\r\n2,Ana,P", StandardOpenOption.APPEND);
        Files.writeString(RoundLog.pathFor(bets()), RoundLog.line("answered 1") + "batch 2 1 1 " + (whole + 36)
                + " #0123", StandardOpenOption.APPEND);
        Map<String, String> before = files();

        RoundStatus status = CsvStatus.read(bets());

        assertThat(status.bets()).isEqualTo(8);
        assertThat(status.answered()).isEqualTo(1);
        assertThat(status.perAgency()).containsExactly(
                new AgencyStatus(1, 8, true, true, OptionalLong.of(2)),
                new AgencyStatus(2, 0, true, false, OptionalLong.of(0)));
        assertThat(files()).as("nothing cut, nothing created").isEqualTo(before);
    }

    @Test
    void aRecordWhoseRowsAreNotInTheBetsFileYetIsLeftOut() throws IOException {
        try (CsvBetStore store = CsvBetStore.newRound(bets(), 1)) {
            store.append(1, 1, Bets.range(1, 0, 3));
        }
        long whole = Files.size(bets());
        Files.writeString(RoundLog.pathFor(bets()), RoundLog.line("batch 1 2 1 " + (whole + 40)),
                StandardOpenOption.APPEND);

        assertThat(CsvStatus.read(bets()).perAgency())
                .containsExactly(new AgencyStatus(1, 3, false, false, OptionalLong.empty()));
    }

    @Test
    void aCorruptRoundLogIsAnErrorNamingIt() throws IOException {
        Files.writeString(RoundLog.pathFor(bets()), RoundLog.line("round 1 agencies=1") + "garbage\n"
                + RoundLog.line("finish 1 0"));

        assertThatThrownBy(() -> CsvStatus.read(bets())).isInstanceOf(IOException.class)
                .hasMessageContaining("is corrupt at line 2");
        assertThat(List.of(bets())).allSatisfy(path -> assertThat(path).doesNotExist());
    }
}
