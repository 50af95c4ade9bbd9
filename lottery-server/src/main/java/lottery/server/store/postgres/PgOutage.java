package lottery.server.store.postgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import lottery.common.log.LogText;
import lottery.common.retry.Backoff;
import lottery.server.store.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rides through a database outage (docs/RELIABILITY.md, "Database outages"): a lost connection, a restart, a failover
 * is a transient, not a failure. {@link #call} runs an attempt and, when it fails with a transient error
 * ({@link #isTransient}), runs it again after a backoff (100 ms doubling to 2 s), until it works or the outage has
 * lasted longer than the bound (SERVER_PG_OUTAGE_SECONDS): then it throws {@link StoreUnavailableException}, which the
 * agency hears as the retryable DATABASE_UNAVAILABLE. The bound counts from the outage's first failure, not from each
 * call, so once it is past, each call makes one attempt and fails at once until one works again.
 *
 * <p>An attempt is told whether an earlier one of the same call failed: a write whose outcome is unknown (the
 * connection dropped during COMMIT) must then find out from the database what is stored ({@link PgCommitQueue}).
 * Each attempt also gets the network timeout its statements may wait for an answer (at least
 * {@value #MIN_NETWORK_TIMEOUT_MILLIS} ms, else what is left of the bound), so a database that hangs (a frozen
 * process, a dead host whose packets vanish) is an outage too instead of a socket read of minutes.
 *
 * <p>The log: one line when an outage begins, at most one line per {@value #RETRY_LOG_SECONDS} s while calls retry
 * (with the retries so far), one line when the bound is passed, and one when a call works again, with the outage's
 * length and retries. Exact forms in docs/RELIABILITY.md.
 *
 * <p>Thread context: thread-safe. The {@code store-sync} thread (commits), the {@code store-io} threads (HELLO's
 * claim, answered) and the {@code draw-poll} thread call it at once; the outage's state is guarded by {@code this},
 * never held while an attempt runs or a backoff sleeps.
 */
final class PgOutage {
    private static final Logger LOG = LoggerFactory.getLogger(PgOutage.class);
    /** At most one retry line per this many seconds. */
    static final long RETRY_LOG_SECONDS = 5;
    /** The shortest network timeout an attempt gets (a healthy commit takes milliseconds). */
    static final int MIN_NETWORK_TIMEOUT_MILLIS = 5_000;
    /**
     * The SQLStates that mean "the database, not the request": 57P01 admin_shutdown (a fast stop, or
     * pg_terminate_backend), 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up, or shutting down), 53300
     * too_many_connections (while the old connections go), 25006 read_only_sql_transaction (a demoted primary after a
     * failover), 40001/40P01 (serialization failure, deadlock: the transaction may simply run again). Class 08
     * (connection exceptions) is checked by prefix.
     */
    private static final Set<String> TRANSIENT_STATES = Set.of("57P01", "57P02", "57P03", "53300", "25006", "40001",
            "40P01");

    /** One attempt of a call. */
    interface Attempt<T> {
        /**
         * @param retry                whether an earlier attempt of this call failed (its outcome may be unknown)
         * @param networkTimeoutMillis how long a statement may wait for the database's answer
         */
        T run(boolean retry, int networkTimeoutMillis) throws SQLException;
    }

    private final long boundNanos;
    private final LongSupplier clock;
    /** When the outage began ({@link #clock}); meaningful while {@link #outage}. Guarded by {@code this}. */
    private long begun;
    private boolean outage;
    /** Attempts that failed and were run again during this outage. Guarded by {@code this}. */
    private long retries;
    /** When the last retry line was written. Guarded by {@code this}. */
    private long lastRetryLine;
    /** The line that says the bound was passed was written for this outage. Guarded by {@code this}. */
    private boolean pastBoundLogged;

    PgOutage(int boundSeconds) {
        this(boundSeconds, System::nanoTime);
    }

    PgOutage(int boundSeconds, LongSupplier clock) {
        this.boundNanos = TimeUnit.SECONDS.toNanos(boundSeconds);
        this.clock = clock;
    }

    /**
     * Runs {@code attempt} until it works, retrying transient failures with backoff while the outage is within its
     * bound.
     *
     * @param what what the call does, for the messages ("commit 12 writes")
     * @throws StoreUnavailableException when a transient failure outlasted the bound
     * @throws IOException               when an attempt failed for another reason (not retried)
     */
    <T> T call(String what, Attempt<T> attempt) throws IOException {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        boolean retry = false;
        while (true) {
            SQLException failure;
            long started = clock.getAsLong();
            try {
                T result = attempt.run(retry, networkTimeoutMillis());
                over();
                return result;
            } catch (SQLException e) {
                failure = e;
            }
            if (!isTransient(failure)) {
                throw new IOException("cannot " + what + ": " + failure.getMessage(), failure);
            }
            long left = failed(what, failure, started);
            if (left <= 0) {
                throw new StoreUnavailableException("cannot " + what + ": the database is unreachable for longer"
                        + " than " + TimeUnit.NANOSECONDS.toSeconds(boundNanos) + " s ("
                        + LogText.clean(PgJdbc.rootMessage(failure)) + ")", failure);
            }
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(backoff.next().toNanos(), left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("cannot " + what + ": interrupted while the database is unreachable", failure);
            }
            retry = true;
        }
    }

    /** Whether an outage is going on (a transient failure, and no call has worked since): for tests and status. */
    synchronized boolean ongoing() {
        return outage;
    }

    /**
     * Whether {@code e} (or an exception it chains) says the database or the way to it failed, not the request:
     * SQLState class 08 or one of {@link #TRANSIENT_STATES}, the pool's "Connection is not available" (no connection
     * within its timeout), a recoverable or transient JDBC exception, or an I/O error underneath.
     */
    static boolean isTransient(SQLException e) {
        for (Throwable t = e; t != null; t = next(t)) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || TRANSIENT_STATES.contains(state))) {
                    return true;
                }
                if (sql instanceof SQLTransientConnectionException || sql instanceof SQLRecoverableException
                        || sql instanceof SQLTransientException) {
                    return true;
                }
            } else if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** Sets {@code c}'s network timeout for this attempt (a pooled connection gets its own back when returned). */
    static void networkTimeout(Connection c, int millis) throws SQLException {
        c.setNetworkTimeout(Runnable::run, millis);
    }

    private static Throwable next(Throwable t) {
        if (t instanceof SQLException sql && sql.getNextException() != null && sql.getNextException() != t) {
            return sql.getNextException();
        }
        return t.getCause() == t ? null : t.getCause();
    }

    private synchronized int networkTimeoutMillis() {
        long left = outage ? boundNanos - (clock.getAsLong() - begun) : boundNanos;
        return (int) Math.max(MIN_NETWORK_TIMEOUT_MILLIS, Math.min(Integer.MAX_VALUE,
                TimeUnit.NANOSECONDS.toMillis(left)));
    }

    /**
     * A transient failure of an attempt that started at {@code started}: begins the outage (from that start: an
     * attempt may wait seconds for a connection before it fails) or counts a retry, logging as the class comment
     * says; returns the time left.
     */
    private long failed(String what, SQLException failure, long started) {
        String reason = LogText.clean(PgJdbc.rootMessage(failure));
        String state = String.valueOf(failure.getSQLState());
        synchronized (this) {
            long now = clock.getAsLong();
            if (!outage) {
                outage = true;
                begun = Math.min(started, now);
                retries = 0;
                lastRetryLine = now;
                pastBoundLogged = false;
                LOG.warn("action: database | result: fail | outage: begun | during: {} | sqlstate: {} | reason: {}",
                        what, state, reason);
            }
            long elapsed = now - begun;
            long left = boundNanos - elapsed;
            if (left <= 0) {
                if (!pastBoundLogged) {
                    pastBoundLogged = true;
                    LOG.error("action: database | result: fail | outage: past_bound | seconds: {} | retries: {}"
                            + " | bound_seconds: {} | reason: {}", seconds(elapsed), retries,
                            TimeUnit.NANOSECONDS.toSeconds(boundNanos), reason);
                }
                return 0;
            }
            retries++;
            if (now - lastRetryLine >= TimeUnit.SECONDS.toNanos(RETRY_LOG_SECONDS)) {
                lastRetryLine = now;
                LOG.warn("action: database | result: in_progress | outage: retrying | seconds: {} | retries: {}"
                        + " | during: {} | sqlstate: {} | reason: {}", seconds(elapsed), retries, what, state, reason);
            }
            return left;
        }
    }

    /** A call worked: ends the outage, if there was one, with its line. */
    private void over() {
        synchronized (this) {
            if (!outage) {
                return;
            }
            outage = false;
            LOG.info("action: database | result: success | outage: over | seconds: {} | retries: {}",
                    seconds(clock.getAsLong() - begun), retries);
        }
    }

    private static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e9);
    }
}
