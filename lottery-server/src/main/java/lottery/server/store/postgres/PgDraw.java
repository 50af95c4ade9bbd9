package lottery.server.store.postgres;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import lottery.server.store.DrawResult;
import lottery.server.store.SharedRound.Drawn;
import lottery.server.store.StoredBet;

/**
 * The draw of a round that several servers share ({@link lottery.server.store.SharedRound#pollDraw}; docs/SCALING.md,
 * "The draw"). Once every agency's row says finished, one transaction locks the round's row
 * ({@code SELECT ... FOR UPDATE SKIP LOCKED}), checks that the round is not drawn yet, writes the winners
 * ({@code number = 7574}, per agency in the order stored) and marks the round drawn. Of two servers that race, one
 * gets the lock and draws; the other skips the locked row, returns "not yet", and its next poll finds the round drawn.
 * A server that dies inside the transaction leaves no trace (it rolls back with its connection, releasing the lock),
 * and the next poll of any server runs it.
 *
 * <p>Thread context: the server's {@code draw-poll} thread runs {@link #pollDraw}, one poll at a time (a test may run
 * several at once). It touches the database and {@code drawUnreported} only, an atomic flag that the poll which
 * commits the draw sets and the first poll to read the winners afterwards takes: of polls that overlap, exactly one
 * says it ran the draw.
 */
final class PgDraw {
    private final HikariDataSource pool;
    private final long round;
    /**
     * This store committed the draw and has not yet returned it: the read of the winners after the commit failed, so
     * the next poll that reads them still says it ran the draw (exactly one poll over the servers does).
     */
    private final AtomicBoolean drawUnreported = new AtomicBoolean();

    PgDraw(HikariDataSource pool, long round) {
        this.pool = pool;
        this.round = round;
    }

    /** See {@link lottery.server.store.SharedRound#pollDraw}. */
    Drawn pollDraw() throws IOException {
        try (Connection c = pool.getConnection()) {
            try (PreparedStatement state = c.prepareStatement("""
                    SELECT r.drawn_at IS NOT NULL, r.agencies,
                           (SELECT count(*) FROM agency a WHERE a.round_id = r.id AND a.finished)
                      FROM round r WHERE r.id = ?""")) {
                state.setLong(1, round);
                try (ResultSet r = state.executeQuery()) {
                    if (!r.next()) {
                        throw new IOException("round " + round + " is not in the database");
                    }
                    if (r.getBoolean(1)) {
                        return reportDrawn(c);
                    }
                    if (r.getInt(2) == 0 || r.getLong(3) < r.getInt(2)) {
                        return null;
                    }
                }
            }
            return draw(c);
        } catch (SQLException e) {
            throw new IOException("cannot read the draw: " + e.getMessage(), e);
        }
    }

    /** The draw's transaction: under the round row's lock, draws unless someone did (see the class comment). */
    private Drawn draw(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try {
            // SKIP LOCKED: while another server holds the lock it is drawing; this poll returns and the next one
            // finds the round drawn, or, if that server died mid-draw and its transaction rolled back, draws itself.
            // So no server's lottery thread waits for another server's draw.
            try (PreparedStatement lock = c.prepareStatement(
                    "SELECT drawn_at IS NOT NULL FROM round WHERE id = ? FOR UPDATE SKIP LOCKED")) {
                lock.setLong(1, round);
                try (ResultSet r = lock.executeQuery()) {
                    if (!r.next()) {
                        c.commit();
                        return null;
                    }
                    if (r.getBoolean(1)) {
                        c.commit();
                        return reportDrawn(c);
                    }
                }
            }
            long winners;
            try (PreparedStatement insert = c.prepareStatement("""
                    INSERT INTO winner (round_id, agency, position, document)
                    SELECT round_id, agency, row_number() OVER (PARTITION BY agency ORDER BY id), document
                      FROM bet WHERE round_id = ? AND number = ?""")) {
                insert.setLong(1, round);
                insert.setInt(2, StoredBet.WINNING_NUMBER);
                winners = insert.executeUpdate();
            }
            long bets;
            // Each agency's stored count commits with its rows: no second scan of the bets.
            try (PreparedStatement count = c.prepareStatement(
                    "SELECT coalesce(sum(stored), 0) FROM agency WHERE round_id = ?")) {
                count.setLong(1, round);
                try (ResultSet r = count.executeQuery()) {
                    r.next();
                    bets = r.getLong(1);
                }
            }
            try (PreparedStatement mark = c.prepareStatement(
                    "UPDATE round SET drawn_at = now(), bets = ?, winners = ? WHERE id = ?")) {
                mark.setLong(1, bets);
                mark.setLong(2, winners);
                mark.setLong(3, round);
                mark.execute();
            }
            c.commit();
            drawUnreported.set(true);
            return reportDrawn(c);
        } catch (SQLException | RuntimeException e) {
            PgJdbc.rollback(c);
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** The drawn round's winners; ranHere when this store committed the draw and has not said so yet. */
    private Drawn reportDrawn(Connection c) throws SQLException {
        DrawResult winners = readWinners(c);
        boolean ranHere = drawUnreported.getAndSet(false);
        return new Drawn(winners, ranHere);
    }

    private DrawResult readWinners(Connection c) throws SQLException {
        Map<Integer, List<String>> winners = new HashMap<>();
        long bets;
        try (PreparedStatement total = c.prepareStatement("SELECT bets FROM round WHERE id = ?")) {
            total.setLong(1, round);
            try (ResultSet r = total.executeQuery()) {
                r.next();
                bets = r.getLong(1);
            }
        }
        try (PreparedStatement select = c.prepareStatement(
                "SELECT agency, document FROM winner WHERE round_id = ? ORDER BY agency, position")) {
            select.setLong(1, round);
            try (ResultSet r = select.executeQuery()) {
                while (r.next()) {
                    winners.computeIfAbsent(r.getInt(1), agency -> new ArrayList<>()).add(r.getString(2));
                }
            }
        }
        return new DrawResult(bets, winners);
    }
}
