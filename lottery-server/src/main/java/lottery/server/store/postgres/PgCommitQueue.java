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
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import lottery.protocol.message.Bet;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The group commit of a round that several servers share (docs/SCALING.md, "A batch is stored once, on whichever
 * server"). {@link #queue} only queues a write, stamped with the agency's session token ({@link PgSessions}).
 * {@link #sync} commits the queued writes it is asked for in one transaction: per write, one conditional
 * {@code UPDATE} of the agency's row (the row of the agency's current session, its last seq one below the batch's,
 * the bets stored before the write as expected, not finished), then the rows of the writes that passed with one
 * {@code COPY} (or batched {@code INSERT}s). An Ack waits for that commit, and through a database outage for its
 * retries ({@link PgOutage}): a retry after a commit whose outcome is unknown reads the agencies' rows to tell a write
 * already stored (acknowledged, not inserted again) from one that is not (written again). A write whose update matched no row stores
 * nothing, and its session is refused from then on ({@link #refusal}): another HELLO of the agency, on this or
 * another server, took it over, or the write is out of step with what the database holds. The updates run in agency
 * order, so two servers' group commits lock agency rows in the same order and never deadlock.
 *
 * <p>{@link #close} never cuts a commit: it waits for the one in flight (a few seconds at most), and if that commit
 * takes longer it leaves the pool's close to it.
 *
 * <p>Thread context: the lottery thread calls {@link #queue}, {@link #refusal} and {@link #claimed}; the
 * {@code store-sync} thread runs {@link #sync} (and the lottery thread once more when the server stops); any thread
 * reads {@link #written}; the thread that stops the server calls {@link #close}. Shared between them:
 * {@code queued}, {@code closed}, {@code committing} and {@code closeAfterCommit}, guarded by {@code this}'s lock;
 * {@code written}, volatile, written under that lock; {@code refused}, a concurrent map the sync thread writes and
 * prunes and the lottery thread reads; {@code stale}, a concurrent queue the lottery thread fills and the sync thread
 * drains; {@code readWhileCurrent}, the lottery thread's alone. Syncs never overlap ({@code syncLock}, taken before
 * {@code this}'s lock, never after).
 */
final class PgCommitQueue {
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
    private final PgSettings.Bulk bulk;
    private final boolean synchronousCommit;
    /** Writes queued and not yet taken by a sync, in write order; guarded by {@code this}. */
    private final ArrayDeque<Op> queued = new ArrayDeque<>();
    /** How many writes were queued so far; written under {@code this}'s lock, read by any thread. */
    private volatile long written;
    /** Held by a sync for its whole transaction: syncs never overlap, so an agency's writes commit in order. */
    private final Object syncLock = new Object();
    /**
     * Refused sessions: key {@link #sessionKey} -> why. Written by the sync thread (a commit's refusals) and pruned by
     * it (the {@code stale} ones, as a sync starts); read by the lottery thread.
     */
    private final Map<Long, String> refused = new ConcurrentHashMap<>();
    /**
     * Keys of {@code refused} the lottery thread read for a session that is no longer its agency's current one here:
     * the lottery thread adds them, the sync thread drops them from {@code refused} as the next sync starts.
     */
    private final Queue<Long> stale = new ConcurrentLinkedQueue<>();
    /** Per agency, the session whose refusal was read while it was the agency's current one here (lottery thread). */
    private final Map<Integer, Long> readWhileCurrent = new HashMap<>();
    /** No write is queued and no commit starts any more ({@link #close}); guarded by {@code this}. */
    private boolean closed;
    /** A commit is in flight (it holds a connection of the pool); guarded by {@code this}. */
    private boolean committing;
    /** What the commit in flight runs as it ends: the pool's close, when {@link #close} stopped waiting for it. */
    private Runnable closeAfterCommit;
    /** Retries the commits through a database outage. */
    private final PgOutage outage;
    /** Tests only: see {@link CommitSeam}; null otherwise. */
    volatile CommitSeam seam;

    /**
     * A queued write: a batch (seq 0 for a single BET) or, with {@code finish}, an agency's FINISH; {@code index} is
     * its number among the store's writes ({@link #written} after it), {@code storedBefore} the agency's bets before
     * it.
     */
    private record Op(long index, int agency, long session, long seq, List<Bet> bets, boolean finish,
                      long storedBefore) {
    }

    PgCommitQueue(HikariDataSource pool, long round, PgSettings.Bulk bulk, boolean synchronousCommit,
                  PgOutage outage) {
        this.pool = pool;
        this.outage = outage;
        this.round = round;
        this.bulk = bulk;
        this.synchronousCommit = synchronousCommit;
    }

    /** Queues a write of {@code agency}'s session {@code session}; {@code storedBefore}: its bets before it. */
    synchronized void queue(int agency, long session, long seq, List<Bet> bets, boolean finish, long storedBefore)
            throws IOException {
        if (closed) {
            throw new IOException("the store is closed");
        }
        long index = written + 1;
        queued.add(new Op(index, agency, session, seq, bets, finish, storedBefore));
        written = index;
    }

    /** How many writes were queued so far (see {@link lottery.server.store.BetStore#written}). */
    long written() {
        return written;
    }

    /**
     * Commits the queued writes numbered up to {@code upTo} in one transaction (see the class comment), after any sync
     * still running; the group commit calls it with the count it will acknowledge. A transient failure (the database
     * restarts, fails over, drops the connection) is retried through {@link PgOutage} while the Acks wait, up to the
     * outage bound ({@link lottery.server.store.StoreUnavailableException} past it); any other failure is not: it goes
     * to the Acks, and the agency's later writes, which expect it stored, are refused.
     */
    void sync(long upTo) throws IOException {
        synchronized (syncLock) {
            // Before this sync records its own refusals: see refusal().
            for (Long key = stale.poll(); key != null; key = stale.poll()) {
                refused.remove(key);
            }
            List<Op> ops;
            synchronized (this) {
                ops = take(upTo);
                if (ops.isEmpty()) {
                    return;
                }
                if (closed) {
                    // The pool is closed, or being closed: a commit started now could be cut.
                    throw new IOException("cannot commit " + ops.size() + " writes: the store is closed");
                }
                committing = true;
            }
            Runnable closePool;
            try {
                commit(ops);
            } finally {
                synchronized (this) {
                    committing = false;
                    closePool = closeAfterCommit;
                    closeAfterCommit = null;
                    notifyAll();
                }
                if (closePool != null) {
                    closePool.run();
                }
            }
        }
    }

    /**
     * See {@link lottery.server.store.SharedRound#refusal}; {@code current}: whether {@code session} is the agency's
     * current session on this server. A refusal is kept while a read may still need it, then dropped, so the map does
     * not grow with every refused session: once it was read for a session that is no longer current here (read after,
     * or before, a newer HELLO of the agency on this server: {@link #claimed}), the next sync drops it as it starts.
     * That is safe because no write of that session can be queued any more (a write carries the current session), the
     * server reads the refusals of a sync's writes before it starts the next sync (the group commit runs one at a
     * time and answers its Acks first), and a write of the session that a later sync refuses records the refusal
     * again.
     */
    String refusal(int agency, long session, boolean current) {
        String why = refused.get(sessionKey(agency, session));
        if (why != null) {
            if (current) {
                readWhileCurrent.put(agency, session);
            } else {
                stale.add(sessionKey(agency, session));
            }
        }
        return why;
    }

    /** A newer session of {@code agency} was claimed here: a refusal read for the one before may go. */
    void claimed(int agency) {
        Long before = readWhileCurrent.remove(agency);
        if (before != null) {
            stale.add(sessionKey(agency, before));
        }
    }

    /** How many refused sessions are kept: for tests. */
    int refusedSessions() {
        return refused.size();
    }

    /**
     * Queues nothing more and starts no commit, then runs {@code closePool} once no commit is in flight: a commit is
     * never cut by the pool's close (its Acks would say "failed" for writes that may have been committed). Waits up to
     * {@code waitMillis} for the commit in flight; if it runs longer, that commit runs {@code closePool} as it ends,
     * which the socket timeout bounds. Idempotent.
     */
    synchronized void close(long waitMillis, Runnable closePool) {
        if (closed) {
            return;
        }
        closed = true;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        long left = deadline - System.nanoTime();
        while (committing && left > 0) {
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            left = deadline - System.nanoTime();
        }
        if (committing) {
            closeAfterCommit = closePool;
        } else {
            closePool.run();
        }
    }

    /** Takes the queued writes numbered up to {@code upTo}; under {@code this}'s lock. */
    private List<Op> take(long upTo) {
        List<Op> ops = new ArrayList<>();
        while (!queued.isEmpty() && queued.peek().index() <= upTo) {
            ops.add(queued.poll());
        }
        return ops;
    }

    private void commit(List<Op> ops) throws IOException {
        // Agency order (stable: an agency's own operations keep theirs): every transaction locks rows in one order.
        ops.sort(Comparator.comparingInt(Op::agency));
        Map<Long, String> refusals = outage.call("commit " + ops.size() + " writes",
                (retry, networkTimeout) -> attempt(ops, retry, networkTimeout));
        refused.putAll(refusals);
    }

    /**
     * One attempt at the transaction of {@code ops}; returns the refusals it committed. On a {@code retry} an
     * earlier attempt failed, maybe after its COMMIT took effect (the connection dropped before the answer): a write
     * whose update now matches no row is looked up in the agency's row ({@link #alreadyStored}) before it counts as
     * refused, so a batch already stored is acknowledged and not inserted twice, and one not stored is written again.
     */
    private Map<Long, String> attempt(List<Op> ops, boolean retry, int networkTimeout) throws SQLException {
        synchronized (this) {
            if (closeAfterCommit != null) {
                // The store is being closed and waits for this commit no longer: a retry would outlive the pool.
                throw new SQLException("the store is closed");
            }
        }
        try (Connection c = pool.getConnection()) {
            PgOutage.networkTimeout(c, networkTimeout);
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
                List<Op> unmatched = new ArrayList<>();
                for (int i = 0; i < ops.size(); i++) {
                    (counts[i] == 1 ? passed : unmatched).add(ops.get(i));
                }
                Map<Long, String> refusals = new HashMap<>();
                Map<Integer, AgencyRow> rows = retry && !unmatched.isEmpty() ? rows(c, unmatched) : Map.of();
                for (Op op : unmatched) {
                    if (!alreadyStored(op, rows.get(op.agency()))) {
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
                CommitSeam seam = this.seam;
                if (seam != null) {
                    seam.beforeCommit(c);
                }
                c.commit();
                if (seam != null) {
                    seam.afterCommit(c);
                }
                return refusals;
            } catch (SQLException | RuntimeException e) {
                PgJdbc.rollback(c);
                throw e;
            }
        }
    }

    /** An agency's row as a retry reads it, inside its own transaction (after the updates that matched). */
    private record AgencyRow(long session, long lastSeq, long stored, boolean finished) {
    }

    private Map<Integer, AgencyRow> rows(Connection c, List<Op> ops) throws SQLException {
        Map<Integer, AgencyRow> rows = new HashMap<>();
        try (PreparedStatement select = c.prepareStatement("SELECT agency, session, last_seq, stored, finished"
                + " FROM agency WHERE round_id = ? AND agency = ANY (?)")) {
            select.setLong(1, round);
            select.setArray(2, c.createArrayOf("integer", ops.stream().map(Op::agency).distinct().toArray()));
            try (ResultSet r = select.executeQuery()) {
                while (r.next()) {
                    rows.put(r.getInt(1), new AgencyRow(r.getLong(2), r.getLong(3), r.getLong(4), r.getBoolean(5)));
                }
            }
        }
        return rows;
    }

    /**
     * Whether the database holds {@code op} already, though its update matched no row (a retry whose earlier attempt
     * may have committed). Decided from the agency's stored position, never guessed: a batch (seq above 0) is stored
     * once the agency's last seq reached it, whichever session or server stored it (seqs are the agency's, and a
     * resend of a seq carries the same bets); any write of this session is stored once the row, still this session's,
     * holds the bets that come with it (a session's writes are stored in order, by this server alone), and the
     * finish for a FINISH.
     */
    private static boolean alreadyStored(Op op, AgencyRow row) {
        if (row == null) {
            return false;
        }
        if (op.seq() > 0 && row.lastSeq() >= op.seq()) {
            return true;
        }
        return row.session() == op.session() && row.stored() >= op.storedBefore() + op.bets().size()
                && (op.seq() == 0 || row.lastSeq() >= op.seq()) && (!op.finish() || row.finished());
    }

    /**
     * A test's hooks around an attempt's COMMIT, on its connection: they may fail the attempt (e.g. by terminating
     * the connection's backend) right before the COMMIT, or right after it took effect, as if the connection dropped
     * before its answer came.
     */
    interface CommitSeam {
        default void beforeCommit(Connection c) throws SQLException {
        }

        default void afterCommit(Connection c) throws SQLException {
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


    private static long sessionKey(int agency, long session) {
        return ((long) agency << 40) ^ session;
    }
}
