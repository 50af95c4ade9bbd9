package lottery.server.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the draw found: the assignment's {@code load_bets} + {@code has_won} over the whole store.
 *
 * <p>Thread context: immutable (the winners are copied into unmodifiable collections), so it may cross threads: a
 * store of this server alone draws it on the lottery thread; a shared store, on the {@code draw-poll} thread, whose
 * outcome the {@code SharedDrawPoller} hands to the lottery thread.
 *
 * @param bets    how many bets were stored
 * @param winners the documents of the winning bets, per agency, in the order stored (agencies without winners are
 *                absent); immutable
 */
public record DrawResult(long bets, Map<Integer, List<String>> winners) {

    public DrawResult {
        Map<Integer, List<String>> copies = new HashMap<>();
        winners.forEach((agency, documents) -> copies.put(agency, List.copyOf(documents)));
        winners = Map.copyOf(copies);
    }

    /** How many bets won, over every agency. */
    public long winnerCount() {
        long count = 0;
        for (List<String> documents : winners.values()) {
            count += documents.size();
        }
        return count;
    }
}
