package lottery.server.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import lottery.protocol.message.Bet;
import lottery.server.store.SharedRound;
import lottery.server.store.StoreUnavailableException;
import lottery.server.store.StoredBet;
import lottery.testkit.LogCapture;
import lottery.testkit.Postgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The group commit rides through a lost connection (docs/RELIABILITY.md, "Database outages"), on a real PostgreSQL:
 * the commit's backend is terminated ({@code pg_terminate_backend}, SQLState 57P01, what a fast stop or a failover
 * does to a connection) right before its COMMIT, or right after the COMMIT took effect (its outcome unknown to the
 * server), and the batch is stored exactly once, its Ack not refused.
 */
@Timeout(120)
class PgRideThroughTest {
    private String url;
    private final List<PgBetStore> stores = new ArrayList<>();

    @BeforeEach
    void database() {
        url = Postgres.freshDatabase();
    }

    @AfterEach
    void closeStores() {
        stores.forEach(PgBetStore::close);
    }

    /** A "server" on the round of the database. */
    private PgBetStore server(int agencies) throws IOException {
        PgBetStore store = PgRoundOpening.open(new PgSettings(url, Postgres.USER, "", 4, PgSettings.Bulk.COPY),
                agencies, false, false, true).store();
        stores.add(store);
        return store;
    }

    private static List<Bet> bets(int agency, int from, int count) {
        List<Bet> bets = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            bets.add(new Bet("Ana", "Pérez", Integer.toString(agency * 10_000_000 + i), LocalDate.of(1990, 5, 17),
                    i % 10_000));
        }
        return bets;
    }

    /** The rows of the table, as bets of their agency (a multiset: the order stored). */
    private static List<String> rows(PgBetStore store) throws IOException {
        List<String> rows = new ArrayList<>();
        store.forEach((StoredBet bet) -> rows.add(bet.agency() + ":" + bet.document() + ":" + bet.number()));
        return rows;
    }

    private static List<String> expected(int agency, List<Bet> bets) {
        return bets.stream().map(bet -> agency + ":" + bet.document() + ":" + bet.number()).toList();
    }

    private long[] agencyRow(int agency) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, Postgres.USER, "");
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT last_seq, stored FROM agency WHERE agency = " + agency
                     + " AND round_id = (SELECT max(id) FROM round)")) {
            r.next();
            return new long[] {r.getLong(1), r.getLong(2)};
        }
    }

    /** Terminates the backend of {@code c} from {@code c} itself: the statement fails with 57P01, the link is gone. */
    private static void terminate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(pg_backend_pid())");
        }
    }

    /** A seam that terminates the backend once, before or after the COMMIT. */
    private static PgCommitQueue.CommitSeam terminateOnce(boolean afterCommit, AtomicInteger fired) {
        return new PgCommitQueue.CommitSeam() {
            @Override
            public void beforeCommit(Connection c) throws SQLException {
                if (!afterCommit && fired.getAndIncrement() == 0) {
                    terminate(c);
                }
            }

            @Override
            public void afterCommit(Connection c) throws SQLException {
                if (afterCommit && fired.getAndIncrement() == 0) {
                    terminate(c);
                }
            }
        };
    }

    @Test
    void aConnectionLostBeforeTheCommitIsRetriedAndTheBatchIsStoredOnce() throws Exception {
        PgBetStore store = server(1);
        SharedRound.AgencyView view = store.claim(1);
        List<Bet> sent = bets(1, 0, 10);
        store.append(1, 1, sent);
        AtomicInteger fired = new AtomicInteger();
        store.commitSeam(terminateOnce(false, fired));
        try (LogCapture log = LogCapture.open()) {
            store.sync();

            assertThat(fired).hasValue(2);
            assertThat(log.messagesStartingWith("action: database | result: fail | outage: begun")).singleElement()
                    .asString().contains("sqlstate: 57P01");
            assertThat(log.messagesStartingWith("action: database | result: success | outage: over")).singleElement()
                    .asString().contains("retries: 1");
        }
        assertThat(store.refusal(1, view.session())).isNull();
        assertThat(rows(store)).containsExactlyElementsOf(expected(1, sent));
        assertThat(agencyRow(1)).containsExactly(1, 10);
        assertThat(store.outageOngoing()).isFalse();
    }

    @Test
    void aCommitWhoseAnswerWasLostIsResolvedFromTheStoredPositionAndNotStoredTwice() throws Exception {
        PgBetStore store = server(1);
        SharedRound.AgencyView view = store.claim(1);
        List<Bet> first = bets(1, 0, 10);
        store.append(1, 1, first);
        store.append(1, 0, bets(1, 10, 1));
        AtomicInteger fired = new AtomicInteger();
        store.commitSeam(terminateOnce(true, fired));
        store.sync();

        // The COMMIT took effect, its answer was lost: the retry finds both writes in the agency's row.
        assertThat(fired).hasValue(2);
        assertThat(store.refusal(1, view.session())).isNull();
        List<Bet> sent = new ArrayList<>(first);
        sent.addAll(bets(1, 10, 1));
        assertThat(rows(store)).containsExactlyElementsOf(expected(1, sent));
        assertThat(agencyRow(1)).containsExactly(1, 11);

        // The session goes on as if nothing happened.
        store.commitSeam(null);
        store.append(1, 2, bets(1, 11, 4));
        store.sync();
        assertThat(store.refusal(1, view.session())).isNull();
        assertThat(agencyRow(1)).containsExactly(2, 15);
        assertThat(rows(store)).hasSize(15).doesNotHaveDuplicates();
    }

    @Test
    void aCommitWhoseAnswerWasLostWhileTheAgencyMovedToAnotherServerIsNotStoredTwice() throws Exception {
        PgBetStore a = server(1);
        PgBetStore b = server(1);
        SharedRound.AgencyView onA = a.claim(1);
        List<Bet> batch1 = bets(1, 0, 10);
        List<Bet> batch2 = bets(1, 10, 5);
        a.append(1, 1, batch1);
        AtomicLong resumedAt = new AtomicLong(-1);
        a.commitSeam(new PgCommitQueue.CommitSeam() {
            @Override
            public void afterCommit(Connection c) throws SQLException {
                if (resumedAt.get() >= 0) {
                    return;
                }
                // Server A's COMMIT took effect; before A hears of it, the agency (its connection to A given up)
                // says HELLO to server B, which resumes it after batch 1 and stores batch 2. Then A's link drops.
                try {
                    SharedRound.AgencyView onB = b.claim(1);
                    resumedAt.set(onB.lastSeq());
                    b.append(1, 2, batch2);
                    b.sync();
                } catch (IOException e) {
                    throw new SQLException(e);
                }
                terminate(c);
            }
        });
        a.sync();

        assertThat(resumedAt).hasValue(1);
        // A's retry finds batch 1 stored (the agency's last seq is past it, through B): acknowledged, not inserted.
        assertThat(a.refusal(1, onA.session())).isNull();
        List<Bet> sent = new ArrayList<>(batch1);
        sent.addAll(batch2);
        assertThat(rows(a)).containsExactlyElementsOf(expected(1, sent));
        assertThat(agencyRow(1)).containsExactly(2, 15);
    }

    @Test
    void transientFailuresAreRetriedUntilTheBoundAndOthersAreNot() throws Exception {
        // A clock that moves 400 ms per reading: a bound of 1 s is past after a few failures, whatever the real time.
        AtomicLong now = new AtomicLong();
        PgOutage outage = new PgOutage(1, () -> now.addAndGet(400_000_000L));
        AtomicInteger attempts = new AtomicInteger();
        try (LogCapture log = LogCapture.open()) {
            assertThatThrownBy(() -> outage.call("commit 1 writes", (retry, timeout) -> {
                attempts.incrementAndGet();
                throw new SQLException("Connection refused", "08001");
            })).isInstanceOf(StoreUnavailableException.class)
                    .hasMessageStartingWith("cannot commit 1 writes: the database is unreachable for longer than 1 s");
            assertThat(attempts.get()).isBetween(2, 4);
            assertThat(outage.ongoing()).isTrue();
            assertThat(log.messagesStartingWith("action: database | result: fail | outage: past_bound")).hasSize(1);

            // Past the bound, the next call makes one attempt; once one works the outage is over.
            attempts.set(0);
            assertThatThrownBy(() -> outage.call("x", (retry, timeout) -> {
                attempts.incrementAndGet();
                throw new SQLTransientConnectionException("Connection is not available, request timed out");
            })).isInstanceOf(StoreUnavailableException.class);
            assertThat(attempts).hasValue(1);
            assertThat(log.messagesStartingWith("action: database | result: fail | outage: past_bound")).hasSize(1);
        }
        try (LogCapture log = LogCapture.open()) {
            String done = outage.call("x", (retry, timeout) -> "done");
            assertThat(done).isEqualTo("done");
            assertThat(outage.ongoing()).isFalse();
            assertThat(log.messagesStartingWith("action: database | result: success | outage: over")).hasSize(1);
        }

        // A unique violation is the request's fault, not the database's: one attempt, a plain failure.
        attempts.set(0);
        assertThatThrownBy(() -> outage.call("x", (retry, timeout) -> {
            attempts.incrementAndGet();
            throw new SQLException("duplicate key", "23505");
        })).isInstanceOf(IOException.class).isNotInstanceOf(StoreUnavailableException.class);
        assertThat(attempts).hasValue(1);
        assertThat(outage.ongoing()).isFalse();
    }

    @Test
    void theTransientStatesAreTheDatabasesNotTheRequests() {
        for (String state : List.of("08000", "08001", "08003", "08006", "57P01", "57P02", "57P03", "53300", "25006",
                "40001", "40P01")) {
            assertThat(PgOutage.isTransient(new SQLException("x", state))).as(state).isTrue();
        }
        for (String state : List.of("23505", "42P01", "22001", "42501")) {
            assertThat(PgOutage.isTransient(new SQLException("x", state))).as(state).isFalse();
        }
        assertThat(PgOutage.isTransient(new SQLException("ended copy", null, new java.io.EOFException()))).isTrue();
        assertThat(PgOutage.isTransient(new SQLException("the store is closed"))).isFalse();
    }
}
