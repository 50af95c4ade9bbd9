package lottery.server.store.postgres;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;
import lottery.server.store.SharedRound.AgencyView;

/**
 * Session fencing (docs/SCALING.md, "Sessions and fencing"): a HELLO, on any server, takes the agency's next session
 * token ({@code UPDATE agency SET session = session + 1 ... RETURNING ...}), greater than every earlier session's; a
 * write carries the token of its agency's session here, and {@link PgCommitQueue} stores it only while the agency's
 * row still holds that token. Also what this server expects each agency to have stored once its queued writes are
 * committed, which the commit checks too.
 *
 * <p>Thread context: {@link #take} touches the database only and runs on any thread (the server's {@code store-io}
 * threads); everything else is the lottery thread's, and {@code sessions} and {@code expectedStored} are plain maps it
 * owns.
 */
final class PgSessions {
    private final HikariDataSource pool;
    private final long round;
    private final int agencies;
    /** The session token of each agency's live session on this server (lottery thread). */
    private final Map<Integer, Long> sessions = new HashMap<>();
    /**
     * Bets of each agency as they will be once every queued write is committed (lottery thread): a write is stored
     * only if the row holds exactly what came before it, so nothing lands after an earlier write that failed.
     */
    private final Map<Integer, Long> expectedStored = new HashMap<>();

    PgSessions(HikariDataSource pool, long round, int agencies) {
        this.pool = pool;
        this.round = round;
        this.agencies = agencies;
    }

    /**
     * Takes {@code agency}'s next session token in the database (see {@link lottery.server.store.SharedRound#take}):
     * touches the database only, so any thread may call it; retried through a database outage by {@code outage}.
     */
    AgencyView take(int agency, PgOutage outage) throws IOException {
        AgencyView view = outage.call("start the session of agency " + agency, (retry, networkTimeout) -> {
            try (Connection c = pool.getConnection()) {
                PgOutage.networkTimeout(c, networkTimeout);
                if (agencies == 0) {
                    // No fixed set of agencies: the row is made on the agency's first HELLO.
                    try (PreparedStatement insert = c.prepareStatement(
                            "INSERT INTO agency (round_id, agency) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                        insert.setLong(1, round);
                        insert.setInt(2, agency);
                        insert.execute();
                    }
                }
                // A retry takes another token if the first one's answer was lost: tokens need only grow.
                try (PreparedStatement update = c.prepareStatement("UPDATE agency SET session = session + 1"
                        + " WHERE round_id = ? AND agency = ? AND round_id = (SELECT max(id) FROM round)"
                        + " RETURNING session, last_seq, stored, finished")) {
                    update.setLong(1, round);
                    update.setInt(2, agency);
                    try (ResultSet r = update.executeQuery()) {
                        return r.next() ? new AgencyView(r.getLong(1), r.getLong(2), r.getLong(3), r.getBoolean(4))
                                : null;
                    }
                }
            }
        });
        if (view == null) {
            throw new IOException("round " + round + " is no longer the database's current round (a server started a"
                    + " new one): restart this server to join it");
        }
        return view;
    }

    /** {@code view}, taken by {@link #take}, is now {@code agency}'s session on this server (lottery thread). */
    void started(int agency, AgencyView view) {
        sessions.put(agency, view.session());
        expectedStored.put(agency, view.stored());
    }

    /** The token of {@code agency}'s session on this server, which its writes carry. */
    long session(int agency) throws IOException {
        Long session = sessions.get(agency);
        if (session == null) {
            throw new IOException("agency " + agency + " has no session on this server (no HELLO)");
        }
        return session;
    }

    /** Whether {@code session} is {@code agency}'s session on this server (its writes carry it). */
    boolean isCurrent(int agency, long session) {
        Long current = sessions.get(agency);
        return current != null && current == session;
    }

    /** The bets {@code agency} will have stored once its queued writes are committed. */
    long expectedStored(int agency) {
        return expectedStored.getOrDefault(agency, 0L);
    }

    /** A write of {@code agency} was queued: it will have {@code stored} bets once it is committed. */
    void expectStored(int agency, long stored) {
        expectedStored.put(agency, stored);
    }
}
