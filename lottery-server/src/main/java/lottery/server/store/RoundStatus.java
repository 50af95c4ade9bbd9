package lottery.server.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * The current round of a store as an operator sees it ({@code lottery-server --status}), whatever the engine: the
 * agencies of the round, each agency's stored bets, FINISH and winners answer, whether the draw ran and, once it did,
 * each agency's winners. Each engine reads it its own way without taking the storage from a running server; the
 * start-up code prints it.
 *
 * <p>Thread context: immutable.
 *
 * @param present  whether the store holds a round at all (false: nothing else is meaningful)
 * @param agencies SERVER_AGENCIES of the round (0: no draw, any agency id)
 * @param drawn    whether the draw of the round ran
 * @param perAgency one entry per agency, by agency id: agencies 1 to {@code agencies}, and any other agency the round
 *                 holds something of
 */
public record RoundStatus(boolean present, int agencies, boolean drawn, List<AgencyStatus> perAgency) {

    /**
     * One agency of the round.
     *
     * @param agency   its id
     * @param stored   bets stored
     * @param finished whether it sent FINISH
     * @param answered whether it was sent its winners
     * @param winners  its winning bets once the draw ran; empty before
     */
    public record AgencyStatus(int agency, long stored, boolean finished, boolean answered, OptionalLong winners) {
    }

    public RoundStatus {
        if (agencies < 0) {
            throw new IllegalArgumentException("agencies < 0: " + agencies);
        }
        perAgency = List.copyOf(perAgency);
    }

    /** No round in the store. */
    public static RoundStatus none() {
        return new RoundStatus(false, 0, false, List.of());
    }

    /**
     * A round from its engine's records: agencies 1 to {@code agencies} and every agency named in the others, by id.
     *
     * @param winners winning bets per agency (an agency absent won nothing), or null when the draw has not run
     */
    public static RoundStatus of(int agencies, Map<Integer, Long> stored, Set<Integer> finished,
                                 Set<Integer> answered, Map<Integer, Long> winners) {
        Set<Integer> ids = new TreeSet<>();
        for (int agency = 1; agency <= agencies; agency++) {
            ids.add(agency);
        }
        ids.addAll(stored.keySet());
        ids.addAll(finished);
        ids.addAll(answered);
        if (winners != null) {
            ids.addAll(winners.keySet());
        }
        List<AgencyStatus> list = new ArrayList<>(ids.size());
        for (int agency : ids) {
            list.add(new AgencyStatus(agency, stored.getOrDefault(agency, 0L), finished.contains(agency),
                    answered.contains(agency),
                    winners == null ? OptionalLong.empty() : OptionalLong.of(winners.getOrDefault(agency, 0L))));
        }
        return new RoundStatus(true, agencies, winners != null, list);
    }

    /** Bets stored in the round, over every agency. */
    public long bets() {
        long total = 0;
        for (AgencyStatus agency : perAgency) {
            total += agency.stored();
        }
        return total;
    }

    /** Agencies that sent FINISH. */
    public int finished() {
        return (int) perAgency.stream().filter(AgencyStatus::finished).count();
    }

    /** Agencies that were sent their winners. */
    public int answered() {
        return (int) perAgency.stream().filter(AgencyStatus::answered).count();
    }

    /** Winning bets over every agency once the draw ran; empty before. */
    public OptionalLong winners() {
        if (!drawn) {
            return OptionalLong.empty();
        }
        long total = 0;
        for (AgencyStatus agency : perAgency) {
            total += agency.winners().orElse(0);
        }
        return OptionalLong.of(total);
    }
}
