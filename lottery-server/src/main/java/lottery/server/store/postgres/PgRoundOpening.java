package lottery.server.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;

/**
 * How a server reaches its round (docs/SCALING.md, "What is in the database"): the connection pool, the schema's
 * Flyway migrations (in {@code db/lottery}), and the choice between joining the database's current round and starting
 * a new one, made under an advisory lock so servers starting together agree on one round. {@link PgEngine} calls
 * {@link #open}; {@link BetsExport} borrows {@link #pool}.
 *
 * <p>Thread context: {@link #open} runs once, on the lottery thread before it takes any request (see
 * {@link lottery.server.store.StoreEngine#open}); {@link #pool} on the thread that asks. No state.
 */
final class PgRoundOpening {
    /** The key of the advisory lock that serialises opening rounds (any 64-bit number no other code uses). */
    static final long ROUND_LOCK_KEY = 0x6c6f7474657279L; // "lottery"
    /** How a server's connections name themselves (+ a per-process suffix): see {@link #openRound}. */
    static final String SERVER_APPLICATION = "lottery-server/";

    private PgRoundOpening() {
    }

    /**
     * What {@link #open} did.
     *
     * @param store     the store, on the round to serve
     * @param newRound  why a new round was started, or null when the current one was joined
     * @param round     the round's id
     * @param bets      bets the round holds already
     * @param finished  agencies that have finished already
     */
    record Opened(PgBetStore store, String newRound, long round, long bets, int finished) {
    }

    /**
     * Connects (waiting up to 30 s for the database to accept connections), applies the schema's migrations, and
     * joins the current round or starts a new one, under an advisory lock so servers starting together agree on one
     * round: a new round when there is none, when the current one is over (drawn, every agency answered), when it was
     * for another number of agencies, or when {@code newRound} is asked and the current one already holds something
     * (so servers started together with {@code --new-round} still share one).
     *
     * @param fsync         whether a commit waits for the WAL on disk (SERVER_FSYNC); false = synchronous_commit off
     * @param authenticated whether this server has agency secrets
     * @throws IOException when the database cannot be reached or migrated, or the round was started with secrets and
     *                     this server has none
     */
    static Opened open(PgSettings settings, int agencies, boolean authenticated, boolean newRound, boolean fsync)
            throws IOException {
        HikariDataSource pool = pool(settings, 30_000, SERVER_APPLICATION + ProcessHandle.current().pid() + "-"
                + Long.toHexString(System.nanoTime()));
        try {
            migrate(pool);
            Opened opened = openRound(pool, settings, agencies, authenticated, newRound, fsync);
            return opened;
        } catch (IOException | RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** A pool on {@code settings}; {@code initMillis}: how long the first connection may take to come. */
    static HikariDataSource pool(PgSettings settings, long initMillis, String applicationName) throws IOException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.url());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(Math.min(2, settings.poolSize()));
        config.setPoolName("lottery-pg");
        // Bounded waits: a database that is gone must cost each attempt seconds, not forever (PgOutage retries the
        // attempt). The socket timeout is far above the longest statement (the draw over a whole round); the
        // commits and claims set a shorter one of their own per attempt (PgOutage#networkTimeout).
        config.setConnectionTimeout(5_000);
        config.setInitializationFailTimeout(initMillis);
        config.addDataSourceProperty("connectTimeout", "5");
        config.addDataSourceProperty("socketTimeout", "120");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.addDataSourceProperty("ApplicationName", applicationName);
        if (settings.bulk() == PgSettings.Bulk.INSERT) {
            // The driver sends a batch of single-row INSERTs as multi-row statements.
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IOException("cannot connect to " + settings.displayUrl() + " as " + settings.user() + ": "
                    + PgJdbc.rootMessage(e), e);
        }
    }

    private static void migrate(HikariDataSource pool) throws IOException {
        try {
            Flyway.configure().dataSource(pool).locations("classpath:db/lottery").load().migrate();
        } catch (RuntimeException e) {
            throw new IOException("cannot apply the schema: " + PgJdbc.rootMessage(e), e);
        }
    }

    private static Opened openRound(HikariDataSource pool, PgSettings settings, int agencies, boolean authenticated,
                                    boolean newRound, boolean fsync) throws IOException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                    lock.setLong(1, ROUND_LOCK_KEY);
                    lock.execute();
                }
                String reason = null;
                long id = 0;
                long bets = 0;
                int finished = 0;
                try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("""
                        SELECT r.id, r.agencies, r.authenticated, r.drawn_at IS NOT NULL,
                               count(*) FILTER (WHERE a.answered), count(*) FILTER (WHERE a.finished),
                               coalesce(sum(a.stored), 0), count(*) FILTER (WHERE a.stored > 0 OR a.finished)
                          FROM round r LEFT JOIN agency a ON a.round_id = r.id
                         WHERE r.id = (SELECT max(id) FROM round)
                         GROUP BY r.id""")) {
                    if (!r.next()) {
                        reason = "no round in the database";
                    } else {
                        id = r.getLong(1);
                        int roundAgencies = r.getInt(2);
                        boolean roundAuthenticated = r.getBoolean(3);
                        boolean drawn = r.getBoolean(4);
                        long answered = r.getLong(5);
                        finished = (int) r.getLong(6);
                        bets = r.getLong(7);
                        long active = r.getLong(8);
                        if (drawn && answered >= roundAgencies) {
                            reason = "the draw of the last round ran and every agency got its winners";
                        } else if (roundAgencies != agencies) {
                            reason = "SERVER_AGENCIES changed from " + roundAgencies + " to " + agencies;
                        } else if (newRound && (active > 0 || drawn)) {
                            reason = "a new round was asked (--new-round or SERVER_NEW_ROUND=true)";
                        } else if (roundAuthenticated && !authenticated) {
                            throw new IOException("the round in progress in the database was started with agency"
                                    + " secrets, and SERVER_SECRETS_FILE is not set: set it again to go on with the"
                                    + " round, or start a new round (--new-round or SERVER_NEW_ROUND=true)");
                        }
                    }
                }
                if (reason != null && id != 0 && !reason.startsWith("the draw of the last round ran")) {
                    // Servers still on the current round would go on with it alone: agencies moving between them
                    // and this one would resume in another round. Stop them first.
                    int others = otherServers(c);
                    if (others > 0) {
                        throw new IOException("not starting a new round (" + reason + "): " + others
                                + " connection(s) of other lottery servers are on round " + id + "; stop those"
                                + " servers first, or start this one with the current SERVER_AGENCIES and without"
                                + " --new-round to join the round");
                    }
                }
                if (reason != null) {
                    id = createRound(c, agencies, authenticated);
                    bets = 0;
                    finished = 0;
                }
                c.commit();
                PgBetStore store = new PgBetStore(pool, id, agencies, settings.bulk(), fsync,
                        settings.outageSeconds());
                return new Opened(store, reason, id, bets, finished);
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IOException("cannot open the round: " + e.getMessage(), e);
        }
    }

    /** Connections of other lottery servers to this database (not this server's: their name has its suffix). */
    private static int otherServers(Connection c) throws SQLException {
        try (PreparedStatement count = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE datname ="
                + " current_database() AND application_name LIKE ? AND application_name <> current_setting("
                + "'application_name')")) {
            count.setString(1, SERVER_APPLICATION + "%");
            try (ResultSet r = count.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }

    private static long createRound(Connection c, int agencies, boolean authenticated) throws SQLException {
        long id;
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO round (agencies, authenticated) VALUES (?, ?) RETURNING id")) {
            insert.setInt(1, agencies);
            insert.setBoolean(2, authenticated);
            try (ResultSet r = insert.executeQuery()) {
                r.next();
                id = r.getLong(1);
            }
        }
        try (PreparedStatement rows = c.prepareStatement(
                "INSERT INTO agency (round_id, agency) SELECT ?, g FROM generate_series(1, ?) g")) {
            rows.setLong(1, id);
            rows.setInt(2, agencies);
            rows.execute();
        }
        return id;
    }
}
