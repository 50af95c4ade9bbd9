package lottery.server.store.csv;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import lottery.server.store.RoundSnapshot;

/**
 * What the round log says about the current round, read back at start-up ({@link CsvBetStore#recover}): the agencies
 * of the round, each agency's last batch seq and stored bets, which agencies finished, whether the draw ran, and how
 * much of the two files is whole (what {@link CsvBetStore#resume} keeps; anything beyond is a torn tail).
 *
 * <p>Thread context: built by the thread that starts the server, then only read (by the lottery thread, which
 * receives it through its executor's queue).
 */
public final class RoundState {
    private final boolean present;
    private final int agencies;
    /** Whether the round was started with agency secrets (its HELLOs authenticated). */
    private boolean authenticated;
    private final Map<Integer, Long> lastSeq = new HashMap<>();
    private final Map<Integer, Long> stored = new HashMap<>();
    private final Set<Integer> finished = new HashSet<>();
    private final Set<Integer> answered = new HashSet<>();
    private boolean drawn;
    private long bets;
    /** Bytes of the bets file the last kept {@code batch} record covers. */
    private long betsEnd;
    /** Bytes of the round log that hold whole, valid records. */
    private long logEnd;
    private long betsFileSize;
    private long logFileSize;

    RoundState(boolean present, int agencies) {
        this.present = present;
        this.agencies = agencies;
    }

    /** A round with nothing in it yet, for {@code agencies}. */
    public static RoundState empty(int agencies) {
        return new RoundState(true, agencies);
    }

    /** No round log (or not even its first record): there is no round to resume. */
    static RoundState absent(long betsFileSize, long logFileSize) {
        RoundState state = new RoundState(false, 0);
        state.betsFileSize = betsFileSize;
        state.logFileSize = logFileSize;
        return state;
    }

    void batch(int agency, long seq, long count, long end) {
        if (seq > 0) {
            lastSeq.merge(agency, seq, Math::max);
        }
        stored.merge(agency, count, Long::sum);
        bets += count;
        betsEnd = end;
    }

    void finish(int agency) {
        finished.add(agency);
    }

    void markDrawn() {
        drawn = true;
    }

    void answered(int agency) {
        answered.add(agency);
    }

    void sizes(long betsEnd, long logEnd, long betsFileSize, long logFileSize) {
        this.betsEnd = betsEnd;
        this.logEnd = logEnd;
        this.betsFileSize = betsFileSize;
        this.logFileSize = logFileSize;
    }

    /** Whether a round log with its first record exists: there is a round to resume. */
    public boolean present() {
        return present;
    }

    /**
     * Whether the round was started with agency secrets (SERVER_SECRETS_FILE): a server without them must not go on
     * with it, or anyone could act as an agency that has not finished yet.
     */
    public boolean authenticated() {
        return authenticated;
    }

    void authenticated(boolean value) {
        authenticated = value;
    }

    /** SERVER_AGENCIES of the round. */
    public int agencies() {
        return agencies;
    }

    /** Whether the draw of the round ran. */
    public boolean drawn() {
        return drawn;
    }

    /**
     * Whether the round is over: its draw ran and every agency was sent its winners. A round that is drawn but not
     * complete is resumed by a restarted server, so the agencies still waiting get their winners.
     */
    public boolean complete() {
        return drawn && answered.size() >= agencies;
    }

    /** Bets stored in the round. */
    public long bets() {
        return bets;
    }

    /** Agencies that sent FINISH. */
    public int finishedCount() {
        return finished.size();
    }

    public long lastSeq(int agency) {
        return lastSeq.getOrDefault(agency, 0L);
    }

    public long stored(int agency) {
        return stored.getOrDefault(agency, 0L);
    }

    Map<Integer, Long> lastSeqs() {
        return Collections.unmodifiableMap(lastSeq);
    }

    Map<Integer, Long> storedByAgency() {
        return Collections.unmodifiableMap(stored);
    }

    Set<Integer> finished() {
        return Collections.unmodifiableSet(finished);
    }

    Set<Integer> answered() {
        return Collections.unmodifiableSet(answered);
    }

    long betsEnd() {
        return betsEnd;
    }

    long logEnd() {
        return logEnd;
    }

    /** Bytes of the bets file beyond the last batch record: the torn tail a resume cuts. */
    public long tornBetsBytes() {
        return Math.max(0, betsFileSize - betsEnd);
    }

    /** Bytes of the round log beyond its last valid record: the torn tail a resume cuts. */
    public long tornLogBytes() {
        return Math.max(0, logFileSize - logEnd);
    }

    /** The engine-neutral view of the round the rules start from. */
    public RoundSnapshot snapshot() {
        return new RoundSnapshot(agencies, lastSeq, stored, finished, answered, drawn);
    }
}
