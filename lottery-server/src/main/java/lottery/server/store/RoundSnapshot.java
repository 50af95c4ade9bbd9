package lottery.server.store;

import java.util.Map;
import java.util.Set;

/**
 * What a store already holds of the round it opened, whatever the engine: each agency's last batch seq and stored
 * bets, which agencies finished and which were sent their winners, and whether the draw ran. The round's rules start
 * from it (a restart goes on where the round was); a round that several servers share keeps this state in the store
 * itself and opens with {@link #empty}.
 *
 * <p>Thread context: immutable; built by the thread that opens the round, then read by the lottery thread.
 *
 * @param agencies SERVER_AGENCIES of the round
 * @param lastSeq  each agency's last stored batch seq (absent: none)
 * @param stored   bets stored per agency (absent: none)
 * @param finished agencies that sent FINISH
 * @param answered agencies that were sent their winners
 * @param drawn    whether the draw of the round ran
 */
public record RoundSnapshot(int agencies, Map<Integer, Long> lastSeq, Map<Integer, Long> stored,
                            Set<Integer> finished, Set<Integer> answered, boolean drawn) {

    public RoundSnapshot {
        if (agencies < 0) {
            throw new IllegalArgumentException("agencies < 0: " + agencies);
        }
        lastSeq = Map.copyOf(lastSeq);
        stored = Map.copyOf(stored);
        finished = Set.copyOf(finished);
        answered = Set.copyOf(answered);
    }

    /** A round with nothing in it yet, for {@code agencies}. */
    public static RoundSnapshot empty(int agencies) {
        return new RoundSnapshot(agencies, Map.of(), Map.of(), Set.of(), Set.of(), false);
    }
}
