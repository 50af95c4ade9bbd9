package lottery.server.store.postgres;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Consumer;
import lottery.protocol.message.Bet;
import lottery.server.store.BetStore;
import lottery.server.store.SharedRound;
import lottery.server.store.StoredBet;

/**
 * The bets of a round in PostgreSQL, shared by every server of the round (docs/SCALING.md). Tables (Flyway migrations
 * in {@code db/lottery}): {@code round}, {@code agency} (per agency: session token, last seq, stored, finished,
 * answered), {@code bet}, {@code winner}.
 *
 * <p>This class only wires one class per job, each with its own comment:
 * <ul>
 *   <li>{@link PgRoundOpening}: the pool, the schema's migrations, joining the current round or starting one (it
 *       builds this store);</li>
 *   <li>{@link PgSessions}: {@link #take} and {@link #started}, the session token (fencing) an agency's writes
 *       carry;</li>
 *   <li>{@link PgOutage}: rides the commits, claims and answered records through a database outage;</li>
 *   <li>{@link PgCommitQueue}: {@link #append} and {@link #finish} queue a write, {@link #sync} commits the queued
 *       writes in one transaction (the group commit), {@link #refusal} says which sessions it refused;</li>
 *   <li>{@link PgDraw}: {@link #pollDraw}, the draw, run by exactly one server.</li>
 * </ul>
 * What is left here: {@link #answered}, {@link #forEach} (the assignment's {@code load_bets}) and {@link #close},
 * which never cuts a commit in flight.
 *
 * <p>Thread context: the lottery thread calls {@link #started}, {@link #append}, {@link #finish}, {@link #forEach}
 * and {@link #refusal} (which reads what the sync thread recorded); the {@code store-io} threads run {@link #take}
 * and {@link #answered}, which touch the database only, so that no HELLO nor winners answer holds the lottery thread
 * on the database; the {@code store-sync} thread runs {@link #sync} (the lottery thread once more when the server
 * stops); any thread reads {@link #written}; the {@code draw-poll} thread runs {@link #pollDraw}; the thread that
 * stops the server calls {@link #close} once the lottery thread has ended. What two threads share lives in {@link PgCommitQueue} and {@link PgDraw}, whose comments
 * say how it is guarded; this class's own fields are final, and {@link PgSessions} is the lottery thread's alone.
 */
public final class PgBetStore implements BetStore, SharedRound {
    /** Rows fetched per round trip when reading bets back. */
    private static final int FETCH_SIZE = 10_000;
    /**
     * How long {@link #close} waits for a commit in flight: a few seconds, so a server's stop still ends within
     * {@code docker stop}'s 10 s, while a commit of the group commit normally takes milliseconds.
     */
    static final long CLOSE_WAIT_MILLIS = 3_000;

    private final HikariDataSource pool;
    private final long round;
    private final PgSessions sessions;
    private final PgCommitQueue commits;
    private final PgDraw draw;
    /** Retries the commits, claims and answered records through a database outage (thread-safe). */
    private final PgOutage outage;

    PgBetStore(HikariDataSource pool, long round, int agencies, PgSettings.Bulk bulk, boolean synchronousCommit,
               int outageSeconds) {
        this.pool = pool;
        this.round = round;
        this.outage = new PgOutage(outageSeconds);
        this.sessions = new PgSessions(pool, round, agencies);
        this.commits = new PgCommitQueue(pool, round, bulk, synchronousCommit, outage);
        this.draw = new PgDraw(pool, round);
    }

    /** The id of the round this store serves. */
    public long round() {
        return round;
    }

    /** Takes the agency's next session token in the database; any thread (see {@link PgSessions#take}). */
    @Override
    public AgencyView take(int agency) throws IOException {
        return sessions.take(agency, outage);
    }

    @Override
    public void started(int agency, AgencyView view) {
        sessions.started(agency, view);
        commits.claimed(agency);
    }

    /** See {@link SharedRound#refusal}; dropped once no read needs it any more ({@link PgCommitQueue#refusal}). */
    @Override
    public String refusal(int agency, long session) {
        return commits.refusal(agency, session, sessions.isCurrent(agency, session));
    }

    /** How many refused sessions the store keeps: for tests. */
    int refusedSessions() {
        return commits.refusedSessions();
    }

    @Override
    public void append(int agency, List<Bet> bets) throws IOException {
        append(agency, 0, bets);
    }

    @Override
    public void append(int agency, long seq, List<Bet> bets) throws IOException {
        long session = sessions.session(agency);
        long before = sessions.expectedStored(agency);
        commits.queue(agency, session, seq, List.copyOf(bets), false, before);
        sessions.expectStored(agency, before + bets.size());
    }

    @Override
    public void finish(int agency, long stored) throws IOException {
        commits.queue(agency, sessions.session(agency), 0, List.of(), true, sessions.expectedStored(agency));
    }

    /** Every write is independent of a force: a transaction commits only the writes it took. */
    @Override
    public boolean commitsAreIndependent() {
        return true;
    }

    @Override
    public long written() {
        return commits.written();
    }

    /** Commits every write queued so far (see {@link #sync(long)}). */
    @Override
    public void sync() throws IOException {
        sync(commits.written());
    }

    /** Commits the queued writes numbered up to {@code upTo}: see {@link PgCommitQueue#sync}. */
    @Override
    public void sync(long upTo) throws IOException {
        commits.sync(upTo);
    }

    /** Touches the database only: any thread may call it (the server's {@code store-io} threads do). */
    @Override
    public void answered(int agency) throws IOException {
        outage.call("record that agency " + agency + " got its winners", (retry, networkTimeout) -> {
            try (Connection c = pool.getConnection()) {
                PgOutage.networkTimeout(c, networkTimeout);
                try (PreparedStatement update = c.prepareStatement(
                        "UPDATE agency SET answered = true WHERE round_id = ? AND agency = ?")) {
                    update.setLong(1, round);
                    update.setInt(2, agency);
                    update.execute();
                }
            }
            return null;
        });
    }

    /** The commits' seam for tests (see {@link PgCommitQueue.CommitSeam}); null to remove it. */
    void commitSeam(PgCommitQueue.CommitSeam seam) {
        commits.seam = seam;
    }

    /** Whether a database outage is going on: for tests. */
    boolean outageOngoing() {
        return outage.ongoing();
    }

    /** The draw, run by whichever server gets there first: see {@link PgDraw}. */
    @Override
    public Drawn pollDraw() throws IOException {
        return draw.pollDraw();
    }

    /** The assignment's load_bets over the round, in the order stored (streamed from the database). */
    @Override
    public void forEach(Consumer<? super StoredBet> action) throws IOException {
        forEach(pool, round, action);
    }

    static void forEach(HikariDataSource pool, long round, Consumer<? super StoredBet> action) throws IOException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement select = c.prepareStatement("SELECT agency, first_name, last_name, document,"
                    + " birthdate, number FROM bet WHERE round_id = ? ORDER BY id")) {
                select.setFetchSize(FETCH_SIZE);
                select.setLong(1, round);
                try (ResultSet r = select.executeQuery()) {
                    while (r.next()) {
                        action.accept(new StoredBet(r.getInt(1), r.getString(2), r.getString(3), r.getString(4),
                                r.getDate(5).toLocalDate(), r.getInt(6)));
                    }
                }
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IOException("cannot read the bets: " + e.getMessage(), e);
        }
    }

    /**
     * Closes the pool once no commit is in flight: waits up to {@value #CLOSE_WAIT_MILLIS} ms for a commit that the
     * sync thread is running, and if it takes longer, leaves the pool's close to that commit as it ends (see
     * {@link PgCommitQueue#close}). Nothing is queued or committed afterwards. Idempotent.
     */
    @Override
    public void close() {
        close(CLOSE_WAIT_MILLIS);
    }

    /** {@link #close()}, waiting up to {@code waitMillis} for a commit in flight. */
    void close(long waitMillis) {
        commits.close(waitMillis, pool::close);
    }

    /** Whether the pool is closed (or closing): for tests. */
    boolean poolClosed() {
        return pool.isClosed();
    }
}
