package lottery.server.round;

import java.util.List;

/**
 * The round as it stood at one moment, copied on the lottery thread ({@link DrawCoordinator#view}) so that another
 * thread (the ops endpoint) can read it: immutable, built only on request, never on the hot path.
 *
 * <p>Thread context: immutable; any thread.
 *
 * @param agencies     SERVER_AGENCIES (0: no draw, any agency id)
 * @param open         whether the round takes requests: its store is open and the server is not stopping
 * @param drawn        whether the draw has run
 * @param closed       whether the server is stopping
 * @param backlog      writes to the store still waiting for their force or commit (0 without fsync)
 * @param acksWaiting  Acks held until a force or commit makes their writes durable
 * @param heldQueries  winners queries waiting for the draw
 * @param lines        one line per agency: 1..agencies in order, or with agencies 0 every agency seen, by id
 */
public record RoundView(int agencies, boolean open, boolean drawn, boolean closed, long backlog, int acksWaiting,
                        int heldQueries, List<AgencyLine> lines) {

    /** The round's state for the status page: {@code open}, {@code drawn}, or {@code over} (every agency answered). */
    public enum State { OPEN, DRAWN, OVER }

    public RoundView {
        lines = List.copyOf(lines);
    }

    /**
     * One agency's line.
     *
     * @param agency    its id
     * @param stored    bets stored
     * @param batches   batches stored (its last batch seq)
     * @param connected whether a connection holds its session now
     * @param finished  whether it sent FINISH
     * @param answered  whether it was sent its winners
     * @param winners   its winners, or -1 before the draw
     */
    public record AgencyLine(int agency, long stored, long batches, boolean connected, boolean finished,
                             boolean answered, int winners) {
    }

    /** Bets stored, every agency's. */
    public long bets() {
        return lines.stream().mapToLong(AgencyLine::stored).sum();
    }

    /** Batches stored, every agency's. */
    public long batches() {
        return lines.stream().mapToLong(AgencyLine::batches).sum();
    }

    /** Agencies that sent FINISH. */
    public int finished() {
        return (int) lines.stream().filter(AgencyLine::finished).count();
    }

    /** Agencies sent their winners. */
    public int answered() {
        return (int) lines.stream().filter(AgencyLine::answered).count();
    }

    /** Agencies whose session a connection holds now. */
    public int connected() {
        return (int) lines.stream().filter(AgencyLine::connected).count();
    }

    /** {@code over} once drawn and every agency answered, {@code drawn} once drawn, else {@code open}. */
    public State state() {
        if (!drawn) {
            return State.OPEN;
        }
        return agencies > 0 && answered() >= agencies ? State.OVER : State.DRAWN;
    }
}
