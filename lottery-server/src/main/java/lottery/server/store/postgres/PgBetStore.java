package lottery.server.store.postgres;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import lottery.protocol.message.Bet;
import lottery.server.store.BetStore;
import lottery.server.store.DrawResult;
import lottery.server.store.SharedRound;
import lottery.server.store.StoredBet;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The bets of a round in PostgreSQL, shared by every server of the round (docs/SCALING.md). Tables (Flyway migrations
 * in {@code db/lottery}): {@code round}, {@code agency} (per agency: session token, last seq, stored, finished,
 * answered), {@code bet}, {@code winner}.
 *
 * <p>Writes: {@link #append} and {@link #finish} only queue an operation, stamped with the agency's session token
 * (from {@link #claim}). {@link #sync} - the group commit, on the server's {@code store-sync} thread - commits every
 * queued operation in one transaction: per operation, one conditional {@code UPDATE} of the agency's row (the row of
 * the agency's current session, its last seq one below the batch's, not finished), then the rows of the operations
 * that passed with one {@code COPY} (or batched {@code INSERT}s). An Ack waits for that commit. An operation whose
 * update matched no row stores nothing, and its session is refused from then on ({@link #refusal}): another HELLO of
 * the agency, on this or another server, took it over. The updates run in agency order, so two servers' group commits
 * lock agency rows in the same order and never deadlock.
 *
 * <p>The draw ({@link #pollDraw}): {@link PgDraw}, exactly one server draws.
 *
 * <p>Thread context: the lottery thread calls everything but {@link #sync}, {@link #written}, {@link #refusal} and
 * {@link #pollDraw}; the sync thread runs {@link #sync} (and the lottery thread once more when the server stops; syncs
 * never overlap: {@code syncLock}); the {@code draw-poll} thread runs {@link #pollDraw}, which touches only the
 * database and a volatile flag. The queue of operations is the only state the lottery and sync threads share (under
 * {@code this}'s lock); the refusals are a concurrent map.
 */
public final class PgBetStore implements BetStore, SharedRound {
    /** Rows fetched per round trip when reading bets back. */
    private static final int FETCH_SIZE = 10_000;

    private static final String UPDATE_AGENCY = """
            UPDATE agency SET last_seq = CASE WHEN ? > 0 THEN ? ELSE last_seq END, stored = stored + ?,
                              finished = finished OR ?
             WHERE round_id = ? AND agency = ? AND session = ? AND (? OR NOT finished)
               AND (? = 0 OR last_seq = ? - 1) AND stored = ?""";
    private static final String COPY_BETS = "COPY bet (round_id, agency, first_name, last_name, document, birthdate,"
            + " number) FROM STDIN (FORMAT csv)";
    private static final String INSERT_BET = "INSERT INTO bet (round_id, agency, first_name, last_name, document,"
            + " birthdate, number) VALUES (?, ?, ?, ?, ?, ?, ?)";

    private final HikariDataSource pool;
    private final long round;
    private final PgDraw draw;
    private final int agencies;
    private final PgSettings.Bulk bulk;
    private final boolean synchronousCommit;
    /** Operations queued and not yet taken by a sync, in write order; guarded by {@code this}. */
    private final ArrayDeque<Op> queued = new ArrayDeque<>();
    private volatile long written;
    /** Held by a sync for its whole transaction: syncs never overlap, so an agency's writes commit in order. */
    private final Object syncLock = new Object();
    /**
     * Bets of each agency as they will be once every queued write is committed (lottery thread): a write is stored
     * only if the row holds exactly what came before it, so nothing lands after an earlier write that failed.
     */
    private final Map<Integer, Long> expectedStored = new HashMap<>();
    /** The session token of each agency's live session on this server (lottery thread). */
    private final Map<Integer, Long> sessions = new HashMap<>();
    /** Refused sessions: key {@link #sessionKey} -> why. Written by the sync thread, read by the lottery thread. */
    private final Map<Long, String> refused = new ConcurrentHashMap<>();
    private boolean closed;

    /**
     * A queued write: a batch (seq 0 for a single BET) or, with {@code finish}, an agency's FINISH; {@code index} is
     * its number among the store's writes ({@link #written} after it), {@code storedBefore} the agency's bets before it.
     */
    private record Op(long index, int agency, long session, long seq, List<Bet> bets, boolean finish,
                      long storedBefore) {
    }

    PgBetStore(HikariDataSource pool, long round, int agencies, PgSettings.Bulk bulk, boolean synchronousCommit) {
        this.pool = pool;
        this.round = round;
        this.agencies = agencies;
        this.bulk = bulk;
        this.synchronousCommit = synchronousCommit;
        this.draw = new PgDraw(pool, round);
    }


    /** The id of the round this store serves. */
    public long round() {
        return round;
    }

    @Override
    public AgencyView claim(int agency) throws IOException {
        try (Connection c = pool.getConnection()) {
            if (agencies == 0) {
                // No fixed set of agencies: the row is made on the agency's first HELLO.
                try (PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO agency (round_id, agency) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                    insert.setLong(1, round);
                    insert.setInt(2, agency);
                    insert.execute();
                }
            }
            try (PreparedStatement update = c.prepareStatement("UPDATE agency SET session = session + 1"
                    + " WHERE round_id = ? AND agency = ? AND round_id = (SELECT max(id) FROM round)"
                    + " RETURNING session, last_seq, stored, finished")) {
                update.setLong(1, round);
                update.setInt(2, agency);
                try (ResultSet r = update.executeQuery()) {
                    if (!r.next()) {
                        throw new IOException("round " + round + " is no longer the database's current round (a"
                                + " server started a new one): restart this server to join it");
                    }
                    AgencyView view = new AgencyView(r.getLong(1), r.getLong(2), r.getLong(3), r.getBoolean(4));
                    sessions.put(agency, view.session());
                    expectedStored.put(agency, view.stored());
                    return view;
                }
            }
        } catch (SQLException e) {
            throw new IOException("cannot start the session of agency " + agency + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String refusal(int agency, long session) {
        return refused.get(sessionKey(agency, session));
    }

    @Override
    public void append(int agency, List<Bet> bets) throws IOException {
        append(agency, 0, bets);
    }

    @Override
    public void append(int agency, long seq, List<Bet> bets) throws IOException {
        long session = session(agency);
        long before = expectedStored.getOrDefault(agency, 0L);
        queue(agency, session, seq, List.copyOf(bets), false, before);
        expectedStored.put(agency, before + bets.size());
    }

    @Override
    public void finish(int agency, long stored) throws IOException {
        queue(agency, session(agency), 0, List.of(), true, expectedStored.getOrDefault(agency, 0L));
    }

    private long session(int agency) throws IOException {
        Long session = sessions.get(agency);
        if (session == null) {
            throw new IOException("agency " + agency + " has no session on this server (no HELLO)");
        }
        return session;
    }

    private synchronized void queue(int agency, long session, long seq, List<Bet> bets, boolean finish,
                                    long storedBefore) throws IOException {
        if (closed) {
            throw new IOException("the store is closed");
        }
        long index = written + 1;
        queued.add(new Op(index, agency, session, seq, bets, finish, storedBefore));
        written = index;
    }

    /** Every write is independent of a force: a transaction commits only the writes it took. */
    @Override
    public boolean commitsAreIndependent() {
        return true;
    }

    @Override
    public long written() {
        return written;
    }

    /** Commits every write queued so far (see {@link #sync(long)}). */
    @Override
    public void sync() throws IOException {
        sync(written);
    }

    /**
     * Commits the queued writes numbered up to {@code upTo} in one transaction (see the class comment), after any sync
     * still running; the group commit calls it with the count it will acknowledge. A write that fails is not retried:
     * the failure goes to its Ack, and the agency's later writes, which expect it stored, are refused.
     */
    @Override
    public void sync(long upTo) throws IOException {
        synchronized (syncLock) {
            List<Op> ops = take(upTo);
            if (!ops.isEmpty()) {
                commit(ops);
            }
        }
    }

    private synchronized List<Op> take(long upTo) {
        List<Op> ops = new ArrayList<>();
        while (!queued.isEmpty() && queued.peek().index() <= upTo) {
            ops.add(queued.poll());
        }
        return ops;
    }

    private void commit(List<Op> ops) throws IOException {
        // Agency order (stable: an agency's own operations keep theirs): every transaction locks rows in one order.
        ops.sort(Comparator.comparingInt(Op::agency));
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (!synchronousCommit) {
                    try (Statement s = c.createStatement()) {
                        s.execute("SET LOCAL synchronous_commit = off");
                    }
                }
                int[] counts;
                try (PreparedStatement update = c.prepareStatement(UPDATE_AGENCY)) {
                    for (Op op : ops) {
                        update.setLong(1, op.seq());
                        update.setLong(2, op.seq());
                        update.setLong(3, op.bets().size());
                        update.setBoolean(4, op.finish());
                        update.setLong(5, round);
                        update.setInt(6, op.agency());
                        update.setLong(7, op.session());
                        update.setBoolean(8, op.finish());
                        update.setLong(9, op.seq());
                        update.setLong(10, op.seq());
                        update.setLong(11, op.storedBefore());
                        update.addBatch();
                    }
                    counts = update.executeBatch();
                }
                List<Op> passed = new ArrayList<>(ops.size());
                Map<Long, String> refusals = new HashMap<>();
                for (int i = 0; i < ops.size(); i++) {
                    Op op = ops.get(i);
                    if (counts[i] == 1) {
                        passed.add(op);
                    } else {
                        refusals.put(sessionKey(op.agency(), op.session()), "not stored: agency " + op.agency()
                                + " was taken over by a newer session (on this or another server), or the database"
                                + " does not hold what this write follows (batch seq " + op.seq() + "; an earlier"
                                + " write of the session failed)");
                    }
                }
                if (bulk == PgSettings.Bulk.COPY) {
                    copy(c, passed);
                } else {
                    insert(c, passed);
                }
                c.commit();
                refused.putAll(refusals);
            } catch (SQLException | RuntimeException e) {
                PgJdbc.rollback(c);
                throw e;
            }
        } catch (SQLException e) {
            throw new IOException("cannot commit " + ops.size() + " writes: " + e.getMessage(), e);
        }
    }

    private void copy(Connection c, List<Op> ops) throws SQLException {
        StringBuilder text = new StringBuilder(8192);
        for (Op op : ops) {
            for (Bet bet : op.bets()) {
                text.append(round).append(',').append(op.agency()).append(',');
                quoted(text, bet.firstName()).append(',');
                quoted(text, bet.lastName()).append(',');
                quoted(text, bet.document()).append(',');
                text.append(bet.birthdate()).append(',').append(bet.number()).append('\n');
            }
        }
        if (text.isEmpty()) {
            return;
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_BETS);
        try {
            copy.writeToCopy(bytes, 0, bytes.length);
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    /** A CSV field in double quotes, its quotes doubled (COPY's CSV format). */
    private static StringBuilder quoted(StringBuilder text, String value) {
        text.append('"');
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '"') {
                text.append('"');
            }
            text.append(ch);
        }
        return text.append('"');
    }

    private void insert(Connection c, List<Op> ops) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(INSERT_BET)) {
            int rows = 0;
            for (Op op : ops) {
                for (Bet bet : op.bets()) {
                    insert.setLong(1, round);
                    insert.setInt(2, op.agency());
                    insert.setString(3, bet.firstName());
                    insert.setString(4, bet.lastName());
                    insert.setString(5, bet.document());
                    insert.setDate(6, Date.valueOf(bet.birthdate()));
                    insert.setInt(7, bet.number());
                    insert.addBatch();
                    rows++;
                }
            }
            if (rows > 0) {
                insert.executeBatch();
            }
        }
    }

    @Override
    public void answered(int agency) throws IOException {
        try (Connection c = pool.getConnection();
             PreparedStatement update = c.prepareStatement(
                     "UPDATE agency SET answered = true WHERE round_id = ? AND agency = ?")) {
            update.setLong(1, round);
            update.setInt(2, agency);
            update.execute();
        } catch (SQLException e) {
            throw new IOException("cannot record that agency " + agency + " got its winners: " + e.getMessage(), e);
        }
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

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            pool.close();
        }
    }

    private static long sessionKey(int agency, long session) {
        return ((long) agency << 40) ^ session;
    }
}
