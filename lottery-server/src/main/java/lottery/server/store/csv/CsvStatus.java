package lottery.server.store.csv;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import lottery.server.store.DrawResult;
import lottery.server.store.RoundStatus;

/**
 * {@code lottery-server --status} on the CSV store: the round as its round log records it, read without the storage
 * lock, so a running server goes on undisturbed. Nothing is written or created: the round log is read back as a
 * restarting server would ({@link RoundLog#read}), its torn tail (a record being written right now) left out, and
 * once the draw ran each agency's winners are counted by the draw's own scan ({@link BetFileDraw}) over the rows the
 * round log covers.
 *
 * <p>Thread context: any thread; one call reads the files once.
 */
public final class CsvStatus {

    private CsvStatus() {
    }

    /**
     * The round of the bets file {@code bets}.
     *
     * @return {@link RoundStatus#none()} when there is no round log (or not even its first record)
     * @throws IOException when a file cannot be read, the round log is corrupt or a row of the bets file is not a bet
     */
    public static RoundStatus read(Path bets) throws IOException {
        RoundState state = RoundLog.read(bets);
        if (!state.present()) {
            return RoundStatus.none();
        }
        Map<Integer, Long> winners = state.drawn() ? winners(bets, state.betsEnd()) : null;
        return RoundStatus.of(state.agencies(), state.storedByAgency(), state.finished(), state.answered(), winners);
    }

    /** Winning bets per agency among the first {@code size} bytes of {@code bets}. */
    private static Map<Integer, Long> winners(Path bets, long size) throws IOException {
        Map<Integer, Long> counts = new HashMap<>();
        if (size == 0) {
            return counts;
        }
        DrawResult result;
        try (FileChannel in = FileChannel.open(bets, StandardOpenOption.READ)) {
            int ranges = BetFileDraw.ranges(size, CsvBetStore.MIN_RANGE_BYTES);
            result = BetFileDraw.draw(in, size, ranges, BetFileScanner.DEFAULT_BUFFER_BYTES);
        } catch (BetFileScanner.CorruptRowException e) {
            throw new IOException("the bets file " + bets + " is corrupt: " + e.getMessage(), e);
        }
        result.winners().forEach((agency, documents) -> counts.put(agency, (long) documents.size()));
        return counts;
    }
}
