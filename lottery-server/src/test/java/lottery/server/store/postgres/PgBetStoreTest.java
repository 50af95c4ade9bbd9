package lottery.server.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import lottery.protocol.message.Bet;
import lottery.server.store.SharedRound;
import lottery.server.store.StoredBet;
import lottery.server.store.csv.CsvBetStore;
import lottery.testkit.Postgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL store on a real PostgreSQL ({@link Postgres}, a fresh database per test): two stores on one
 * database are two servers.
 */
@Timeout(120) // a poll that waited for a lock instead of skipping it would hang, not fail
class PgBetStoreTest {
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

    private PgSettings settings(PgSettings.Bulk bulk) {
        return new PgSettings(url, Postgres.USER, "", 4, bulk);
    }

    /** A "server": a store on the database's current round (or a new one). */
    private PgRoundOpening.Opened open(int agencies, boolean newRound, PgSettings.Bulk bulk) throws IOException {
        PgRoundOpening.Opened opened = PgRoundOpening.open(settings(bulk), agencies, false, newRound, true);
        stores.add(opened.store());
        return opened;
    }

    private PgBetStore server(int agencies) throws IOException {
        return open(agencies, false, PgSettings.Bulk.COPY).store();
    }

    private static Bet bet(String document, int number) {
        return new Bet("Ana, \"la\" Ñandú", "O'Neil", document, LocalDate.of(1990, 5, 17), number);
    }

    private static List<Bet> bets(int from, int count, int winnerEvery) {
        List<Bet> bets = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            bets.add(bet(Integer.toString(10_000_000 + i), winnerEvery > 0 && i % winnerEvery == 0 ? 7574 : i % 9999));
        }
        return bets;
    }

    private long count(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, Postgres.USER, "");
             Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static List<StoredBet> rows(PgBetStore store) throws IOException {
        List<StoredBet> rows = new ArrayList<>();
        store.forEach(rows::add);
        return rows;
    }

    @Test
    void serversStartedTogetherShareOneRoundAndANewRoundNeedsAnEndedOrUsedOne() throws Exception {
        PgRoundOpening.Opened first = open(2, false, PgSettings.Bulk.COPY);
        assertThat(first.newRound()).isEqualTo("no round in the database");
        // Both with --new-round, the second after the first: the round is still empty, so the second joins it.
        PgRoundOpening.Opened second = open(2, true, PgSettings.Bulk.COPY);
        assertThat(second.newRound()).isNull();
        assertThat(second.round()).isEqualTo(first.round());

        first.store().claim(1);
        first.store().append(1, 1, bets(0, 3, 0));
        first.store().sync();
        PgRoundOpening.Opened joined = open(2, false, PgSettings.Bulk.COPY);
        assertThat(joined.newRound()).isNull();
        assertThat(joined.bets()).isEqualTo(3);
        // Other servers are on the round: a server that would start another one refuses to start instead, or the
        // agencies moving between them would resume in two different rounds.
        assertThatThrownBy(() -> open(3, false, PgSettings.Bulk.COPY)).isInstanceOf(IOException.class)
                .hasMessageContaining("SERVER_AGENCIES changed from 2 to 3")
                .hasMessageContaining("connection(s) of other lottery servers are on round " + first.round());
        assertThatThrownBy(() -> open(2, true, PgSettings.Bulk.COPY)).isInstanceOf(IOException.class)
                .hasMessageContaining("a new round was asked");
        closeStores();
        stores.clear();
        PgRoundOpening.Opened next = open(3, false, PgSettings.Bulk.COPY);
        assertThat(next.newRound()).startsWith("SERVER_AGENCIES changed from 2 to 3");
        assertThat(next.round()).isGreaterThan(first.round());
        assertThat(open(3, true, PgSettings.Bulk.COPY).round()).isEqualTo(next.round());
    }

    @Test
    void aRoundThatIsOverIsFollowedByANewOneAndItsServersLearnIt() throws Exception {
        PgBetStore old = server(1);
        old.claim(1);
        old.finish(1, 0);
        old.sync();
        assertThat(old.pollDraw().ranHere()).isTrue();
        old.answered(1);
        // Over: a server that starts now begins the next round even though the old server is still connected...
        PgRoundOpening.Opened next = open(1, false, PgSettings.Bulk.COPY);
        assertThat(next.newRound()).startsWith("the draw of the last round ran");
        // ...and the old server takes no agency into the old round any more.
        assertThatThrownBy(() -> old.claim(1)).isInstanceOf(IOException.class)
                .hasMessageContaining("is no longer the database's current round");
    }

    @Test
    void afterAFailedCommitNothingOfTheSessionThatFollowsIsStoredAndOnlyWhatWasTakenIsCommitted() throws Exception {
        PgBetStore a = server(1);
        SharedRound.AgencyView view = a.claim(1);
        a.append(1, 1, bets(0, 4, 0));
        a.append(1, 2, bets(4, 4, 0));
        // A sync commits the writes it was asked for, not the ones queued after the count was taken.
        a.sync(1);
        assertThat(count("SELECT count(*) FROM bet")).isEqualTo(4);
        a.sync();
        assertThat(count("SELECT count(*) FROM bet")).isEqualTo(8);

        try (Connection c = DriverManager.getConnection(url, Postgres.USER, ""); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE bet ADD CONSTRAINT refuse_test CHECK (document <> '10000009')");
        }
        a.append(1, 3, bets(8, 4, 0));
        assertThatThrownBy(a::sync).isInstanceOf(IOException.class).hasMessageContaining("refuse_test");
        // The client did not wait for that Ack: its next batch and its FINISH were sent anyway. Both expect batch 3
        // stored; neither is, and the agency is not finished with 8 bets.
        a.append(1, 4, bets(12, 4, 0));
        a.finish(1, 16);
        a.sync();
        assertThat(a.refusal(1, view.session())).contains("not stored");
        assertThat(count("SELECT count(*) FROM bet")).isEqualTo(8);
        assertThat(count("SELECT count(*) FROM agency WHERE finished")).isZero();
        assertThat(a.claim(1)).isEqualTo(new SharedRound.AgencyView(2, 2, 8, false));
    }

    @Test
    void aRoundStartedWithSecretsIsNotJoinedWithoutThem() throws Exception {
        stores.add(PgRoundOpening.open(settings(PgSettings.Bulk.COPY), 2, true, false, true).store());
        stores.get(0).claim(1);
        assertThatThrownBy(() -> PgRoundOpening.open(settings(PgSettings.Bulk.COPY), 2, false, false, true))
                .isInstanceOf(IOException.class).hasMessageContaining("SERVER_SECRETS_FILE is not set");
    }

    @Test
    void aBatchIsStoredOnceAndTheAgencysStateIsSeenByEveryServer() throws Exception {
        PgBetStore a = server(2);
        PgBetStore b = server(2);
        SharedRound.AgencyView first = a.claim(1);
        assertThat(first).isEqualTo(new SharedRound.AgencyView(1, 0, 0, false));
        a.append(1, 1, bets(0, 5, 0));
        a.append(1, 2, bets(5, 4, 0));
        assertThat(a.written()).isEqualTo(2);
        a.sync();
        assertThat(a.refusal(1, first.session())).isNull();

        // The agency comes back on the other server: it sees seq 2 and 9 bets, and a resend of seq 2 by the old
        // session is refused (its session was taken over), so nothing is stored twice.
        SharedRound.AgencyView moved = b.claim(1);
        assertThat(moved).isEqualTo(new SharedRound.AgencyView(2, 2, 9, false));
        a.append(1, 3, bets(9, 2, 0));
        a.sync();
        assertThat(a.refusal(1, first.session())).contains("taken over");
        b.append(1, 3, bets(9, 2, 0));
        b.finish(1, 11);
        b.sync();
        assertThat(b.refusal(1, moved.session())).isNull();
        assertThat(count("SELECT count(*) FROM bet")).isEqualTo(11);
        assertThat(a.claim(1)).isEqualTo(new SharedRound.AgencyView(3, 3, 11, true));
        // A batch out of step with the database (its seq is not the next one) stores nothing either.
        SharedRound.AgencyView other = b.claim(2);
        b.append(2, 2, bets(100, 1, 0));
        b.sync();
        assertThat(b.refusal(2, other.session())).contains("seq 2");
        assertThat(count("SELECT count(*) FROM bet WHERE agency = 2")).isZero();
    }

    @Test
    void noBetIsStoredAfterItsAgencysFinish() throws Exception {
        PgBetStore a = server(1);
        SharedRound.AgencyView view = a.claim(1);
        a.append(1, 1, bets(0, 2, 0));
        a.finish(1, 2);
        a.append(1, 2, bets(2, 2, 0));
        a.sync();
        assertThat(a.refusal(1, view.session())).isNotNull();
        assertThat(count("SELECT count(*) FROM bet")).isEqualTo(2);
    }

    @Test
    void copyAndInsertStoreTheSameRowsInTheSameOrder() throws Exception {
        PgBetStore copy = server(0);
        copy.claim(4);
        copy.append(4, 1, bets(0, 50, 7));
        copy.append(4, 0, List.of(bet("12345678", 7574)));
        copy.sync();
        List<StoredBet> copied = rows(copy);

        url = Postgres.freshDatabase();
        PgBetStore insert = open(0, false, PgSettings.Bulk.INSERT).store();
        insert.claim(4);
        insert.append(4, 1, bets(0, 50, 7));
        insert.append(4, 0, List.of(bet("12345678", 7574)));
        insert.sync();
        assertThat(rows(insert)).hasSize(51).isEqualTo(copied);
        assertThat(copied.get(0).firstName()).isEqualTo("Ana, \"la\" Ñandú");
        assertThat(copied.get(0).lastName()).isEqualTo("O'Neil");
    }

    @Test
    void theDrawWaitsForEveryAgencyAndRunsExactlyOnceWhenServersRace() throws Exception {
        PgBetStore a = server(2);
        PgBetStore b = server(2);
        a.claim(1);
        b.claim(2);
        a.append(1, 1, bets(0, 30, 3));
        b.append(2, 1, bets(100, 30, 5));
        a.finish(1, 30);
        a.sync();
        assertThat(b.pollDraw()).isNull();
        b.finish(2, 30);
        b.sync();

        // Both servers' lottery threads poll at once, many times over: exactly one call runs the draw.
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<SharedRound.Drawn>> polls = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                PgBetStore store = i % 2 == 0 ? a : b;
                Callable<SharedRound.Drawn> poll = () -> {
                    start.await();
                    // null: another caller holds the round's lock (it is drawing); a server's next poll comes later.
                    SharedRound.Drawn drawn = store.pollDraw();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (drawn == null && System.nanoTime() < deadline) {
                        drawn = store.pollDraw();
                    }
                    return drawn;
                };
                polls.add(pool.submit(poll));
            }
            start.countDown();
            int ran = 0;
            Map<Integer, List<String>> winners = null;
            for (Future<SharedRound.Drawn> poll : polls) {
                SharedRound.Drawn drawn = poll.get(30, TimeUnit.SECONDS);
                ran += drawn.ranHere() ? 1 : 0;
                if (winners == null) {
                    winners = drawn.result().winners();
                }
                assertThat(drawn.result().winners()).isEqualTo(winners);
                assertThat(drawn.result().bets()).isEqualTo(60);
            }
            assertThat(ran).isEqualTo(1);
            assertThat(winners).isEqualTo(CsvLike.winners(a));
            assertThat(winners.get(1)).hasSize(10);
            assertThat(winners.get(2)).hasSize(6);
            assertThat(count("SELECT count(*) FROM winner")).isEqualTo(16);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aServerThatDiesInTheMiddleOfTheDrawLeavesItToAnother() throws Exception {
        PgBetStore a = server(1);
        a.claim(1);
        a.append(1, 1, bets(0, 20, 4));
        a.finish(1, 20);
        a.sync();
        long round = a.round();
        // A "server" takes the round's lock and writes half its draw, then its backend dies (a crash of the server
        // or of its connection): the transaction is rolled back.
        Connection dying = DriverManager.getConnection(url, Postgres.USER, "");
        dying.setAutoCommit(false);
        int pid;
        try (Statement s = dying.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
                r.next();
                pid = r.getInt(1);
            }
            s.executeQuery("SELECT id FROM round WHERE id = " + round + " FOR UPDATE").close();
            s.executeUpdate("INSERT INTO winner VALUES (" + round + ", 1, 1, 'half-drawn')");
        }
        try {
            // While the dying server holds the round's lock, a poll neither waits nor draws: someone is drawing.
            assertThat(a.pollDraw()).isNull();
            try (Connection admin = DriverManager.getConnection(url, Postgres.USER, "");
                 PreparedStatement kill = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
                kill.setInt(1, pid);
                kill.execute();
            }
            // The backend is gone once the lock is free again: then the next poll draws, from scratch.
            SharedRound.Drawn drawn = a.pollDraw();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (drawn == null && System.nanoTime() < deadline) {
                drawn = a.pollDraw();
            }
            assertThat(drawn).isNotNull();
            assertThat(drawn.ranHere()).isTrue();
            assertThat(drawn.result().winners().get(1)).hasSize(5).doesNotContain("half-drawn");
            assertThat(count("SELECT count(*) FROM winner")).isEqualTo(5);
            assertThat(a.pollDraw().ranHere()).isFalse();
        } finally {
            dying.close();
        }
    }

    @Test
    void theExportIsTheCsvStoresFileForTheSameBets(@TempDir Path dir) throws Exception {
        PgBetStore a = server(2);
        a.claim(2);
        a.claim(1);
        a.append(2, 1, bets(0, 7, 2));
        a.append(1, 1, bets(7, 3, 0));
        a.append(2, 2, bets(10, 2, 0));
        a.sync();
        Path exported = dir.resolve("bets.csv");
        BetsExport.Exported result = BetsExport.export(settings(PgSettings.Bulk.COPY), exported);
        assertThat(result.bets()).isEqualTo(12);
        assertThat(dir.resolve("bets.csv.tmp")).doesNotExist();

        Path csv = dir.resolve("csv-store.csv");
        try (CsvBetStore store = CsvBetStore.open(csv, false)) {
            // Within one commit the rows go in agency order (see PgCommitQueue): agency 1's, then agency 2's.
            store.append(1, bets(7, 3, 0));
            store.append(2, bets(0, 7, 2));
            store.append(2, bets(10, 2, 0));
        }
        assertThat(Files.readAllBytes(exported)).isEqualTo(Files.readAllBytes(csv));
    }

    @Test
    void aRefusalIsKeptUntilReadAndItsSessionSupersededHereThenDropped() throws Exception {
        PgBetStore a = server(1);
        PgBetStore b = server(1);
        SharedRound.AgencyView first = a.claim(1);
        SharedRound.AgencyView moved = b.claim(1);
        a.append(1, 1, bets(0, 2, 0));
        a.sync();
        assertThat(a.refusedSessions()).isEqualTo(1);
        // The agency comes back to a: its first session is superseded here, but nobody read its refusal yet.
        SharedRound.AgencyView back = a.claim(1);
        a.sync();
        assertThat(a.refusal(1, first.session())).contains("taken over");
        // Read, of a superseded session: the next sync drops it (every read of the syncs before it came first).
        assertThat(a.refusal(1, first.session())).contains("taken over");
        a.sync();
        assertThat(a.refusal(1, first.session())).isNull();
        assertThat(a.refusedSessions()).isZero();

        // Read while its session is still the agency's current one here: kept, whatever syncs run...
        b.append(1, 1, bets(0, 2, 0));
        b.sync();
        assertThat(b.refusal(1, moved.session())).contains("taken over");
        b.sync();
        assertThat(b.refusal(1, moved.session())).contains("taken over");
        // ...until a newer session of the agency is claimed here: then the next sync drops it.
        b.claim(1);
        assertThat(b.refusedSessions()).isEqualTo(1);
        b.sync();
        assertThat(b.refusedSessions()).isZero();
        assertThat(b.refusal(1, moved.session())).isNull();
        assertThat(a.refusal(1, back.session())).isNull();
        assertThat(count("SELECT count(*) FROM bet")).isZero();
    }

    /** Holds agency 1's row locked (the "database is slow"), so a commit of its writes waits inside its UPDATE. */
    private Connection lockAgencyRow() throws SQLException {
        Connection blocker = DriverManager.getConnection(url, Postgres.USER, "");
        blocker.setAutoCommit(false);
        try (Statement s = blocker.createStatement()) {
            s.executeQuery("SELECT * FROM agency WHERE agency = 1 FOR UPDATE").close();
        }
        return blocker;
    }

    /** Returns once a server's commit waits for a row lock (the commit is in flight, holding a connection). */
    private void awaitCommitWaitingForTheRow() throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND application_name"
                + " LIKE '" + PgRoundOpening.SERVER_APPLICATION + "%'") == 0) {
            assertThat(System.nanoTime()).as("a commit waits for the row lock").isLessThan(deadline);
        }
    }

    @Test
    void closeWaitsForTheCommitInFlightInsteadOfCuttingIt() throws Exception {
        PgBetStore a = server(1);
        a.claim(1);
        a.append(1, 1, bets(0, 5, 0));
        ExecutorService syncThread = Executors.newSingleThreadExecutor();
        try (Connection blocker = lockAgencyRow()) {
            Future<?> sync = syncThread.submit(() -> {
                a.sync();
                return null;
            });
            awaitCommitWaitingForTheRow();
            // The server stops while its sync thread commits.
            Thread closer = new Thread(a::close, "closer");
            closer.start();
            // Either close() waits for the commit (the pool still open), or, without that wait, it has closed the
            // pool and cut the commit: only then is the row released.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (closer.getState() != Thread.State.TERMINATED
                    && !(closer.getState() == Thread.State.TIMED_WAITING && !a.poolClosed())) {
                assertThat(System.nanoTime()).as("close() waits or ends").isLessThan(deadline);
            }
            blocker.rollback();
            sync.get(30, TimeUnit.SECONDS);
            closer.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(closer.isAlive()).isFalse();
        } finally {
            syncThread.shutdownNow();
        }
        assertThat(a.poolClosed()).isTrue();
        assertThat(count("SELECT count(*) FROM bet")).isEqualTo(5);
        assertThat(count("SELECT last_seq FROM agency WHERE agency = 1")).isEqualTo(1);
        assertThatThrownBy(() -> a.append(1, 2, bets(5, 1, 0))).isInstanceOf(IOException.class)
                .hasMessageContaining("the store is closed");
    }

    @Test
    void aCommitLongerThanCloseWaitsClosesThePoolItselfWhenItEnds() throws Exception {
        PgBetStore a = server(1);
        a.claim(1);
        a.append(1, 1, bets(0, 5, 0));
        ExecutorService syncThread = Executors.newSingleThreadExecutor();
        try (Connection blocker = lockAgencyRow()) {
            Future<?> sync = syncThread.submit(() -> {
                a.sync();
                return null;
            });
            awaitCommitWaitingForTheRow();
            a.close(0);
            // close() gave up waiting at once; the commit in flight still has its connection...
            assertThat(a.poolClosed()).isFalse();
            blocker.rollback();
            // ...commits, and closes the pool as it ends.
            sync.get(30, TimeUnit.SECONDS);
            assertThat(a.poolClosed()).isTrue();
        } finally {
            syncThread.shutdownNow();
        }
        assertThat(count("SELECT count(*) FROM bet")).isEqualTo(5);
    }

    @Test
    void theExportUsesTheCoursesRowFormatNotTheCsvEngine() throws IOException {
        // BetCsv (lottery.server.store) is the row format both engines share; the CSV engine's package is not a
        // dependency of the PostgreSQL one. A class file names every class it uses in its constant pool.
        for (Class<?> type : List.of(BetsExport.class, BetsExport.Exported.class)) {
            String file = type.getName().substring(type.getPackageName().length() + 1) + ".class";
            try (InputStream in = type.getResourceAsStream(file)) {
                String constants = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(constants).contains("lottery/server/store/").doesNotContain("lottery/server/store/csv/");
            }
        }
    }

    /** The assignment's load_bets + has_won over a store, the way the CSV store's draw computes them. */
    private static final class CsvLike {
        static Map<Integer, List<String>> winners(PgBetStore store) throws IOException {
            return store.draw().winners();
        }
    }
}
