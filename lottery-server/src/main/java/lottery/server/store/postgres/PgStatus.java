package lottery.server.store.postgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import lottery.server.store.RoundStatus;

/**
 * {@code lottery-server --status} on the PostgreSQL store: the database's current round (the one with the highest
 * id), read in one read-only transaction on one plain JDBC connection: no pool, no schema migration, no write, no
 * lock a server waits for. Servers running on the same database go on undisturbed; the connection's application
 * name is not a server's, so a server starting a new round does not count it as a server still on the round.
 *
 * <p>Thread context: any thread.
 */
public final class PgStatus {
    /** Seconds the connection may take to come up (a database that is gone costs this, not 30 s). */
    static final int CONNECT_TIMEOUT_SECONDS = 5;
    /** Seconds a query may take: the winners are counted over their own table, never over the bets. */
    static final int SOCKET_TIMEOUT_SECONDS = 60;
    static final String APPLICATION = "lottery-status";

    private PgStatus() {
    }

    /**
     * The current round of the database {@code settings} reach.
     *
     * @return {@link RoundStatus#none()} when the database holds no round (or not even the schema)
     * @throws IOException when the database cannot be reached or read
     */
    public static RoundStatus read(PgSettings settings) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("user", settings.user());
        properties.setProperty("password", settings.password());
        properties.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("loginTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT_SECONDS));
        properties.setProperty("ApplicationName", APPLICATION);
        properties.setProperty("readOnly", "true");
        Connection c;
        try {
            c = new org.postgresql.Driver().connect(settings.url(), properties);
        } catch (SQLException e) {
            throw new IOException("cannot connect to " + settings.displayUrl() + " as " + settings.user() + ": "
                    + e.getMessage(), e);
        }
        if (c == null) {
            throw new IOException("SERVER_PG_URL " + settings.displayUrl() + " is not a PostgreSQL URL");
        }
        try (c) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            // One snapshot for every query: a batch committed between two of them cannot make the totals disagree.
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                return read(c);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IOException("cannot read the round from " + settings.displayUrl() + ": " + e.getMessage(), e);
        }
    }

    private static RoundStatus read(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT to_regclass('round') IS NOT NULL"
                     + " AND to_regclass('agency') IS NOT NULL AND to_regclass('winner') IS NOT NULL")) {
            r.next();
            if (!r.getBoolean(1)) {
                return RoundStatus.none(); // no server ever started on this database
            }
        }
        long round;
        int agencies;
        boolean drawn;
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                "SELECT id, agencies, drawn_at IS NOT NULL FROM round ORDER BY id DESC LIMIT 1")) {
            if (!r.next()) {
                return RoundStatus.none();
            }
            round = r.getLong(1);
            agencies = r.getInt(2);
            drawn = r.getBoolean(3);
        }
        Map<Integer, Long> stored = new HashMap<>();
        Set<Integer> finished = new HashSet<>();
        Set<Integer> answered = new HashSet<>();
        try (PreparedStatement select = c.prepareStatement(
                "SELECT agency, stored, finished, answered FROM agency WHERE round_id = ?")) {
            select.setLong(1, round);
            try (ResultSet r = select.executeQuery()) {
                while (r.next()) {
                    int agency = r.getInt(1);
                    stored.put(agency, r.getLong(2));
                    if (r.getBoolean(3)) {
                        finished.add(agency);
                    }
                    if (r.getBoolean(4)) {
                        answered.add(agency);
                    }
                }
            }
        }
        Map<Integer, Long> winners = null;
        if (drawn) {
            winners = new HashMap<>();
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT agency, count(*) FROM winner WHERE round_id = ? GROUP BY agency")) {
                select.setLong(1, round);
                try (ResultSet r = select.executeQuery()) {
                    while (r.next()) {
                        winners.put(r.getInt(1), r.getLong(2));
                    }
                }
            }
        }
        return RoundStatus.of(agencies, stored, finished, answered, winners);
    }
}
