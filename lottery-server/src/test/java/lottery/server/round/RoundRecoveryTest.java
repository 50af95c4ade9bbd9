package lottery.server.round;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import lottery.server.store.csv.CsvBetStore;
import lottery.server.store.csv.RoundState;
import lottery.server.support.Bets;
import lottery.server.support.TaskQueue;
import lottery.testkit.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The round log and crash recovery: what a restarted server gets back ({@link CsvBetStore#recover}) and what it cuts
 * off ({@link CsvBetStore#resume}).
 */
class RoundRecoveryTest {
    @TempDir
    Path dir;

    private Path bets() {
        return dir.resolve("bets.csv");
    }

    private Path log() {
        return dir.resolve("bets.csv.round");
    }

    /** A round of 3 agencies: agency 1 sent batches 1-2 (5 bets) and finished, agency 2 batch 1 (4 bets) and a BET. */
    private void writeRound() throws IOException {
        try (CsvBetStore store = CsvBetStore.newRound(bets(), 3)) {
            store.append(1, 1, Bets.range(1, 0, 3));
            store.append(2, 1, Bets.range(2, 0, 4));
            store.append(1, 2, Bets.range(1, 3, 5));
            store.append(2, 0, Bets.range(2, 4, 5));
            store.finish(1, 5);
        }
    }

    private static void appendBytes(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    @Test
    void theRoundLogIsOneCrcCheckedRecordPerLine() throws IOException {
        writeRound();

        List<String> lines = Files.readAllLines(log());
        assertThat(lines).hasSize(6);
        assertThat(lines.get(0)).matches("round 1 agencies=3 #[0-9a-f]{8}");
        long end = Files.size(bets());
        assertThat(lines.get(4)).startsWith("batch 2 0 1 " + end + " #");
        assertThat(lines.get(5)).startsWith("finish 1 5 #");
    }

    @Test
    void aReopenedRoundGivesBackTheRowsTheSeqsAndTheFinishedAgencies() throws Exception {
        writeRound();

        RoundState round = CsvBetStore.recover(bets());

        assertThat(round.present()).isTrue();
        assertThat(round.agencies()).isEqualTo(3);
        assertThat(round.complete()).isFalse();
        assertThat(round.bets()).isEqualTo(10);
        assertThat(round.finishedCount()).isEqualTo(1);
        assertThat(round.lastSeq(1)).isEqualTo(2);
        assertThat(round.lastSeq(2)).as("a BET has no seq").isEqualTo(1);
        assertThat(round.stored(2)).isEqualTo(5);
        assertThat(round.tornBetsBytes()).isZero();
        assertThat(round.tornLogBytes()).isZero();

        TaskQueue lotteryThread = new TaskQueue();
        try (CsvBetStore store = CsvBetStore.resume(bets(), round)) {
            DrawCoordinator coordinator = new DrawCoordinator(3, lotteryThread, null, null, AgencySecrets.none(), false);
            coordinator.begin(store, round.snapshot());
            assertThat(coordinator.lastSeq(1)).isEqualTo(2);
            assertThat(coordinator.stored(1)).isEqualTo(5);
            assertThat(coordinator.hasFinished(1)).isTrue();
            assertThat(coordinator.hasFinished(2)).isFalse();
            // The round goes on where it stopped.
            assertThat(coordinator.storeBets(2, 2, Bets.range(2, 5, 7))).isEqualTo(7);
            assertThat(store.loadBets()).hasSize(12);
        }
        assertThat(CsvBetStore.recover(bets()).lastSeq(2)).isEqualTo(2);
    }

    @Test
    void everyAgencyFinishedWithoutADrawQueuesTheDrawAtBegin() throws Exception {
        try (CsvBetStore store = CsvBetStore.newRound(bets(), 2)) {
            store.append(1, 1, Bets.range(1, 0, 8));
            store.finish(1, 8);
            store.finish(2, 0);
        }
        RoundState round = CsvBetStore.recover(bets());
        TaskQueue lotteryThread = new TaskQueue();
        try (CsvBetStore store = CsvBetStore.resume(bets(), round)) {
            DrawCoordinator coordinator = new DrawCoordinator(2, lotteryThread, null, null, AgencySecrets.none(), false);
            coordinator.begin(store, round.snapshot());
            assertThat(lotteryThread.runAll()).isEqualTo(1);

            assertThat(coordinator.winners(1)).containsExactly("10000000", "10000007");
        }
        RoundState after = CsvBetStore.recover(bets());
        assertThat(after.drawn()).as("the draw record").isTrue();
        assertThat(after.complete()).as("no agency was sent its winners").isFalse();
    }

    @Test
    void aDrawnRoundIsCompleteOnlyOnceEveryAgencyWasSentItsWinnersAndARestartBeforeAnswersThemAgain()
            throws Exception {
        try (CsvBetStore store = CsvBetStore.newRound(bets(), 2)) {
            store.append(1, 1, Bets.range(1, 0, 8));
            store.finish(1, 8);
            store.finish(2, 0);
            store.drawn(8, 2);
            store.answered(1);
        }
        RoundState round = CsvBetStore.recover(bets());
        assertThat(round.drawn()).isTrue();
        assertThat(round.complete()).as("agency 2 never got its winners").isFalse();

        TaskQueue lotteryThread = new TaskQueue();
        try (CsvBetStore store = CsvBetStore.resume(bets(), round);
             LogCapture log = LogCapture.open()) {
            DrawCoordinator coordinator = new DrawCoordinator(2, lotteryThread, null, null, AgencySecrets.none(), false);
            coordinator.begin(store, round.snapshot());
            assertThat(lotteryThread.runAll()).isEqualTo(1);

            assertThat(coordinator.drawDecided()).isTrue();
            assertThat(coordinator.winners(1)).containsExactly("10000000", "10000007");
            assertThat(coordinator.winners(2)).isEmpty();
            assertThat(log.messages()).contains("action: winners_reloaded | result: success | bets: 8 | winners: 2")
                    .noneMatch(line -> line.startsWith("action: sorteo"));
            coordinator.answered(2);
            coordinator.answered(2);
        }
        String roundLog = Files.readString(bets().resolveSibling(bets().getFileName() + ".round"));
        assertThat(roundLog.lines().filter(line -> line.startsWith("draw "))).as("no second draw").hasSize(1);
        assertThat(roundLog.lines().filter(line -> line.startsWith("answered 2 "))).as("recorded once").hasSize(1);
        assertThat(CsvBetStore.recover(bets()).complete()).isTrue();
    }

    @Test
    void aTornLastRowIsCutOffTheBetsFile() throws Exception {
        writeRound();
        long whole = Files.size(bets());
        appendBytes(bets(), "1,Half,Writ");

        RoundState round = CsvBetStore.recover(bets());
        assertThat(round.tornBetsBytes()).isEqualTo(11);
        assertThat(Files.size(bets())).as("recover changes nothing").isEqualTo(whole + 11);

        try (LogCapture capture = LogCapture.open(); CsvBetStore store = CsvBetStore.resume(bets(), round)) {
            assertThat(Files.size(bets())).isEqualTo(whole);
            assertThat(capture.messages()).contains("action: repair_bets | result: success | removed_bytes: 11");
            store.append(1, 3, Bets.range(1, 5, 6));
            assertThat(store.loadBets()).hasSize(11);
        }
    }

    @Test
    void aTornOrGarbageRoundLogTailIsCut() throws Exception {
        writeRound();
        long whole = Files.size(log());
        // A record with a bad CRC, then one without its newline: both a torn tail.
        appendBytes(log(), "batch 2 2 1 99999 #00000000\nfinish 2 5 #1234");

        RoundState round = CsvBetStore.recover(bets());
        assertThat(round.lastSeq(2)).isEqualTo(1);
        assertThat(round.finishedCount()).isEqualTo(1);
        assertThat(round.tornLogBytes()).isEqualTo(Files.size(log()) - whole);

        try (LogCapture capture = LogCapture.open(); CsvBetStore store = CsvBetStore.resume(bets(), round)) {
            assertThat(Files.size(log())).isEqualTo(whole);
            assertThat(capture.messages()).anyMatch(line -> line.startsWith("action: repair_round_log"));
            store.finish(2, 5);
        }
        assertThat(CsvBetStore.recover(bets()).finishedCount()).isEqualTo(2);
    }

    @Test
    void aBadRecordFollowedByGoodOnesIsCorruptionAndTheServerRefusesIt() throws IOException {
        writeRound();
        List<String> lines = new ArrayList<>(Files.readAllLines(log()));
        lines.set(2, lines.get(2).replace("batch 2 1 4", "batch 2 1 5"));
        Files.write(log(), lines);

        assertThatThrownBy(() -> CsvBetStore.recover(bets())).isInstanceOf(IOException.class)
                .hasMessageContaining("is corrupt at line 3");
    }

    @Test
    void aBatchRecordWhoseRowsWereLostIsDroppedWithEveryLaterRecord() throws Exception {
        writeRound();
        List<String> lines = Files.readAllLines(log());
        String lastBatch = lines.get(4);
        long endOfLastBatch = Long.parseLong(lastBatch.split(" ")[4]);
        long endBefore = Long.parseLong(lines.get(3).split(" ")[4]);
        // A power cut kept the records but not the last rows.
        try (var channel = java.nio.channels.FileChannel.open(bets(), StandardOpenOption.WRITE)) {
            channel.truncate(endOfLastBatch - 3);
        }

        RoundState round = CsvBetStore.recover(bets());

        assertThat(round.bets()).isEqualTo(9);
        assertThat(round.finishedCount()).as("the finish after it is dropped too").isZero();
        assertThat(round.tornBetsBytes()).isEqualTo(endOfLastBatch - 3 - endBefore);
        try (CsvBetStore store = CsvBetStore.resume(bets(), round)) {
            assertThat(store.loadBets()).hasSize(9);
        }
        assertThat(Files.readAllLines(log())).hasSize(4);
    }

    @Test
    void withoutARoundLogThereIsNoRoundToResume() throws IOException {
        Files.writeString(bets(), "1,a,b,1,2000-01-01,5\r\n");

        RoundState round = CsvBetStore.recover(bets());

        assertThat(round.present()).isFalse();
        assertThatThrownBy(() -> CsvBetStore.resume(bets(), round)).isInstanceOf(IllegalArgumentException.class);
    }
}
