package lottery.server.store;

import java.io.IOException;

/**
 * A store that several servers share (PostgreSQL): the round's state is in the store, not in one server's memory.
 * The round ({@code lottery.server.round}) uses it instead of its own bookkeeping where servers must agree: which
 * session of an agency may store, whether every agency has finished, and the draw, which runs once in the store whichever server
 * gets there first.
 *
 * <p>Thread context: like {@link BetStore}, called by the lottery thread, except {@link #refusal}, which reads what
 * the sync thread recorded, {@link #pollDraw}, which the server's {@code draw-poll} thread calls, and {@link #take}
 * and {@link BetStore#answered}, which touch the store only and run on the server's {@code store-io} threads.
 */
public interface SharedRound {

    /**
     * What the store knows of an agency when a session of it starts, and the session's fencing token.
     *
     * @param session  the token of this session: greater than every earlier session's of the agency, on any server;
     *                 writes of an earlier session are refused from now on
     * @param lastSeq  the agency's last stored batch seq (0: none)
     * @param stored   bets stored for the agency
     * @param finished whether it sent FINISH (on any server)
     */
    record AgencyView(long session, long lastSeq, long stored, boolean finished) {
    }

    /**
     * The draw as the store has it.
     *
     * @param result  the winners and the bets drawn over
     * @param ranHere whether this call ran the draw (exactly one call over every server does)
     */
    record Drawn(DrawResult result, boolean ranHere) {
    }

    /**
     * The database half of a HELLO: takes {@code agency}'s next fencing token in the store and reads what the store
     * holds of it. Touches the store only, never this server's state: any thread may call it (the server runs it off
     * the lottery thread, so a slow or unreachable store never holds up the other agencies' requests). A store that
     * rides through outages retries it; past its bound it throws {@link StoreUnavailableException}.
     */
    AgencyView take(int agency) throws IOException;

    /** The lottery thread's half of a HELLO: {@code view}, from {@link #take}, is now the agency's session here. */
    void started(int agency, AgencyView view);

    /** Both halves of a HELLO on the calling thread (tests, tools): {@link #take}, then {@link #started}. */
    default AgencyView claim(int agency) throws IOException {
        AgencyView view = take(agency);
        started(agency, view);
        return view;
    }

    /**
     * Why the writes of session {@code session} of {@code agency} were refused (a newer session took the agency
     * over, or the batch was out of step with what the store holds), or null when none was. Ready for every write a
     * completed {@link BetStore#sync} covered, until the next sync starts: the caller reads a sync's refusals before
     * it starts another one, and a store may forget a refusal once it was read and a newer session of the agency was
     * claimed here.
     */
    String refusal(int agency, long session);

    /**
     * The draw, if it is decided: the winners when some server ran it, or this call runs it when every agency has
     * finished and nobody did; null while an agency has not finished or while another server is running the draw
     * (the caller polls again).
     */
    Drawn pollDraw() throws IOException;
}
