package lottery.server.round;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntUnaryOperator;
import lottery.server.store.RoundSnapshot;

/**
 * The round's books, as this server knows them: which agencies take part, the live session of each, each agency's
 * last batch seq and stored bets, which agencies have finished and which were sent their winners. Seeded from the
 * store's {@link RoundSnapshot}, so they survive a restart; with a shared store an agency's line is reloaded at its
 * HELLO ({@link #load}). It only keeps the books: the store is written by {@link DrawCoordinator}, which records
 * here what the store accepted.
 *
 * <p>Thread context: confined to the lottery thread, which every entry checks; plain collections, no lock.
 * {@link #knowsAgency} reads only a final field and may be called anywhere.
 */
final class RoundLedger {
    /** The draw runs when agencies 1..agencies have all finished; 0: any positive id takes part, no draw. */
    private final int agencies;
    private final LotteryThread lotteryThread;
    private final Set<Integer> finished = new HashSet<>();
    /** Agencies sent their winners (recorded once each in the store: the round is over when all were). */
    private final Set<Integer> answered = new HashSet<>();
    private final Map<Integer, Long> storedByAgency = new HashMap<>();
    /** The last batch seq stored per agency (0: none). */
    private final Map<Integer, Long> lastSeq = new HashMap<>();
    /** The live session of each agency: the conversation that holds it. */
    private final Map<Integer, Object> sessions = new HashMap<>();

    RoundLedger(int agencies, LotteryThread lotteryThread) {
        this.agencies = agencies;
        this.lotteryThread = lotteryThread;
    }

    /** SERVER_AGENCIES: 0 means no draw. Reads a final field: any thread. */
    int agencies() {
        return agencies;
    }

    /** Takes what the store already holds of the round. */
    void seed(RoundSnapshot round) {
        lotteryThread.checkInThread();
        lastSeq.putAll(round.lastSeq());
        storedByAgency.putAll(round.stored());
        finished.addAll(round.finished());
        answered.addAll(round.answered());
    }

    /** Whether {@code agency} may take part: 1..agencies, or any positive id when there is no draw. */
    boolean knowsAgency(int agency) {
        return agency >= 1 && (agencies == 0 || agency <= agencies);
    }

    /** Makes {@code owner} the live session of {@code agency}, unless another one is: then false. */
    boolean claimSession(int agency, Object owner) {
        lotteryThread.checkInThread();
        Object current = sessions.putIfAbsent(agency, owner);
        return current == null || current == owner;
    }

    /** Whether {@code owner} holds the live session of {@code agency}. */
    boolean holdsSession(int agency, Object owner) {
        lotteryThread.checkInThread();
        return sessions.get(agency) == owner;
    }

    /** Ends {@code owner}'s session of {@code agency} (no-op when it does not hold it). */
    void releaseSession(int agency, Object owner) {
        lotteryThread.checkInThread();
        sessions.remove(agency, owner);
    }

    /** Replaces what is known of {@code agency} with what a shared store holds of it. */
    void load(int agency, long agencyLastSeq, long stored, boolean agencyFinished) {
        lotteryThread.checkInThread();
        lastSeq.put(agency, agencyLastSeq);
        storedByAgency.put(agency, stored);
        if (agencyFinished) {
            finished.add(agency);
        } else {
            finished.remove(agency);
        }
    }

    /** The last batch seq stored for {@code agency}, 0 if none. */
    long lastSeq(int agency) {
        lotteryThread.checkInThread();
        return lastSeq.getOrDefault(agency, 0L);
    }

    /** The bets stored for {@code agency}. */
    long stored(int agency) {
        lotteryThread.checkInThread();
        return storedByAgency.getOrDefault(agency, 0L);
    }

    /**
     * Records {@code count} more bets stored for {@code agency}, in batch {@code seq} (0: a single BET, no seq).
     *
     * @return every bet {@code agency} has stored so far, these included
     */
    long recordStored(int agency, long seq, int count) {
        lotteryThread.checkInThread();
        if (seq > 0) {
            lastSeq.put(agency, seq);
        }
        return storedByAgency.merge(agency, (long) count, Long::sum);
    }

    /** Whether {@code agency} has sent FINISH (on any connection). */
    boolean hasFinished(int agency) {
        lotteryThread.checkInThread();
        return finished.contains(agency);
    }

    /** Records {@code agency}'s FINISH. */
    void recordFinished(int agency) {
        lotteryThread.checkInThread();
        finished.add(agency);
    }

    /** Whether every agency of the draw has finished (never when there is no draw). */
    boolean allFinished() {
        lotteryThread.checkInThread();
        return agencies > 0 && finished.size() >= agencies;
    }

    /**
     * Each agency's line, for {@link RoundView}: agencies 1..agencies in order, or with no draw every agency seen.
     *
     * @param winners an agency's winner count, -1 before the draw
     */
    List<RoundView.AgencyLine> lines(IntUnaryOperator winners) {
        lotteryThread.checkInThread();
        Set<Integer> ids = new TreeSet<>();
        if (agencies > 0) {
            for (int agency = 1; agency <= agencies; agency++) {
                ids.add(agency);
            }
        } else {
            ids.addAll(storedByAgency.keySet());
            ids.addAll(lastSeq.keySet());
            ids.addAll(finished);
            ids.addAll(answered);
            ids.addAll(sessions.keySet());
        }
        List<RoundView.AgencyLine> lines = new ArrayList<>(ids.size());
        for (int agency : ids) {
            lines.add(new RoundView.AgencyLine(agency, storedByAgency.getOrDefault(agency, 0L),
                    lastSeq.getOrDefault(agency, 0L), sessions.containsKey(agency), finished.contains(agency),
                    answered.contains(agency), winners.applyAsInt(agency)));
        }
        return lines;
    }

    /** Records that {@code agency} was sent its winners; true the first time only. */
    boolean recordAnswered(int agency) {
        lotteryThread.checkInThread();
        return answered.add(agency);
    }
}
