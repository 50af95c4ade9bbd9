package lottery.server.store.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import lottery.protocol.message.Bet;
import lottery.server.store.StoredBet;
import lottery.server.support.Bets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvBetStoreTest {
    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("bets.csv");
    }

    @Test
    void writesRowsWithMinimalQuotingAndCrlfLikePythonsCsvWriter() throws IOException {
        try (CsvBetStore store = CsvBetStore.open(file(), false)) {
            store.append(3, List.of(
                    new Bet("Santiago Lionel", "Lorca", "30904465", LocalDate.of(1999, 3, 17), 7574),
                    new Bet("María \"Mery\"", "Saldaña, Jr", "1", LocalDate.of(987, 12, 1), 0)));
        }

        assertThat(Files.readString(file(), StandardCharsets.UTF_8)).isEqualTo(
                "3,Santiago Lionel,Lorca,30904465,1999-03-17,7574\r\n"
                        + "3,\"María \"\"Mery\"\"\",\"Saldaña, Jr\",1,0987-12-01,0\r\n");
    }

    @Test
    void loadsBackWhatItStoredAcrossReopens() throws IOException {
        List<StoredBet> expected = new ArrayList<>();
        try (CsvBetStore store = CsvBetStore.open(file(), false)) {
            store.append(1, Bets.range(1, 0, 40));
        }
        try (CsvBetStore store = CsvBetStore.open(file(), true)) {
            store.append(2, Bets.range(2, 0, 25));
            Bets.range(1, 0, 40).forEach(bet -> expected.add(Bets.stored(1, bet)));
            Bets.range(2, 0, 25).forEach(bet -> expected.add(Bets.stored(2, bet)));

            assertThat(store.loadBets()).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void anEarlierBetsFileIsMovedAsideNeverDeleted() throws IOException {
        Clock clock = Clock.fixed(Instant.parse("2026-11-24T10:15:30Z"), ZoneOffset.UTC);
        Files.writeString(file(), "1,a,b,1,2000-01-01,7574\r\n");

        Optional<Path> first = CsvBetStore.archiveExisting(file(), clock);
        Files.writeString(file(), "2,c,d,2,2000-01-01,1\r\n");
        Optional<Path> second = CsvBetStore.archiveExisting(file(), clock);

        assertThat(first).contains(dir.resolve("bets-20261124-101530.csv"));
        assertThat(second).contains(dir.resolve("bets-20261124-101530-2.csv"));
        assertThat(Files.readString(first.orElseThrow())).isEqualTo("1,a,b,1,2000-01-01,7574\r\n");
        assertThat(Files.readString(second.orElseThrow())).isEqualTo("2,c,d,2,2000-01-01,1\r\n");
        assertThat(file()).doesNotExist();
    }

    @Test
    void aMissingOrEmptyBetsFileIsLeftAlone() throws IOException {
        Clock clock = Clock.systemUTC();
        assertThat(CsvBetStore.archiveExisting(file(), clock)).isEmpty();
        Files.createFile(file());
        assertThat(CsvBetStore.archiveExisting(file(), clock)).isEmpty();
        assertThat(file()).exists();
    }

    @Test
    void hasWonIsTheWinningNumberOnly() {
        assertThat(new StoredBet(1, "a", "b", "1", LocalDate.EPOCH, 7574).hasWon()).isTrue();
        assertThat(new StoredBet(1, "a", "b", "1", LocalDate.EPOCH, 7575).hasWon()).isFalse();
    }

    @Test
    void aFailedWriteLeavesTheFileAsItWas() throws IOException {
        FailingFileChannel channel = new FailingFileChannel(
                FileChannel.open(file(), StandardOpenOption.CREATE, StandardOpenOption.WRITE));
        try (CsvBetStore store = CsvBetStore.over(file(), false, channel)) {
            store.append(1, Bets.range(1, 0, 10));
            byte[] before = Files.readAllBytes(file());

            channel.failWrites();
            assertThatThrownBy(() -> store.append(1, Bets.range(1, 10, 20)))
                    .isInstanceOf(IOException.class).hasMessage("No space left on device");

            assertThat(Files.readAllBytes(file())).isEqualTo(before);
            assertThat(store.loadBets()).hasSize(10);
        }
    }

    @Test
    void aCorruptRowFailsTheLoadNamingTheRow() throws IOException {
        Files.writeString(file(), "1,a,b,1,2000-01-01,5\r\n1,a,b,2,2000-13-01,5\r\n");
        try (CsvBetStore store = CsvBetStore.open(file(), false)) {
            assertThatThrownBy(store::loadBets).isInstanceOf(IOException.class).hasMessageContaining("row 2");
        }
        Files.writeString(file(), "1,a,b,1,2000-01-01\r\n");
        try (CsvBetStore store = CsvBetStore.open(file(), false)) {
            assertThatThrownBy(store::loadBets).hasMessageContaining("row 1 has 5 fields, not 6");
        }
    }

    @Test
    void aClosedStoreRefusesToWrite() throws IOException {
        CsvBetStore store = CsvBetStore.open(file(), false);
        store.close();
        store.close();

        assertThatThrownBy(() -> store.append(1, Bets.range(1, 0, 1))).hasMessageContaining("is closed");
    }
}
