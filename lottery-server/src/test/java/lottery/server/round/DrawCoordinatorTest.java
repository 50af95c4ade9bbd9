package lottery.server.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import lottery.protocol.message.ErrorCode;
import lottery.server.store.csv.CsvBetStore;
import lottery.server.support.Bets;
import lottery.server.support.MemoryBetStore;
import lottery.server.support.TaskQueue;
import lottery.testkit.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared lottery state, on one thread: the test's own, with a {@link TaskQueue} standing in for the lottery
 * thread's queue, so the test decides when the queued draw runs.
 */
class DrawCoordinatorTest {
    @TempDir
    Path dir;

    private final List<CsvBetStore> stores = new ArrayList<>();
    private final TaskQueue lotteryThread = new TaskQueue();

    private DrawCoordinator coordinator(String name, int agencies) throws IOException {
        CsvBetStore store = CsvBetStore.open(dir.resolve(name), false);
        stores.add(store);
        return new DrawCoordinator(store, agencies, lotteryThread);
    }

    @AfterEach
    void closeStores() throws IOException {
        for (CsvBetStore store : stores) {
            store.close();
        }
    }

    private static void assertRejected(ThrowingCall call, ErrorCode code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(LotteryRejection.class,
                e -> assertThat(e.code()).isEqualTo(code));
    }

    private interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void onlyTheFinishThatCompletesTheSetQueuesTheDrawWhichRunsOnce() throws Exception {
        int agencies = 8;
        Random random = new Random(42);
        try (LogCapture log = LogCapture.open()) {
            for (int round = 0; round < 20; round++) {
                DrawCoordinator coordinator = new DrawCoordinator(new MemoryBetStore(), agencies, lotteryThread);
                List<Integer> order = new ArrayList<>(IntStream.rangeClosed(1, agencies).boxed().toList());
                Collections.shuffle(order, random);
                for (int agency : order) {
                    coordinator.storeBets(agency, Bets.range(agency, 0, 3));
                }
                for (int i = 0; i < agencies; i++) {
                    assertThat(lotteryThread.size()).as("draws queued before Finish %d", i + 1).isZero();
                    assertThat(coordinator.finish(order.get(i))).isEqualTo(3);
                }

                // Queued behind the last Finish, so that Finish is answered before the draw runs.
                assertThat(lotteryThread.size()).isEqualTo(1);
                assertThat(coordinator.drawDecided()).isFalse();
                assertThat(lotteryThread.runAll()).isEqualTo(1);

                assertThat(coordinator.drawn()).isTrue();
                assertThat(coordinator.winners(order.get(0))).containsExactly(order.get(0) + "0000000");
            }
            assertThat(log.count("action: sorteo | result: success")).isEqualTo(20);
        }
    }

    @Test
    void winnersWaitForTheLastAgencyAndAreOnlyTheAgencysOwn() throws Exception {
        DrawCoordinator coordinator = coordinator("bets.csv", 3);
        for (int agency = 1; agency <= 3; agency++) {
            coordinator.storeBets(agency, Bets.range(agency, 0, 15)); // indices 0, 7, 14 win
        }
        AtomicInteger called = new AtomicInteger();
        coordinator.finish(1);
        coordinator.whenDecided(called::incrementAndGet);
        coordinator.finish(3);
        lotteryThread.runAll();

        assertThat(called).hasValue(0);
        assertThat(coordinator.drawDecided()).isFalse();
        assertThatThrownBy(() -> coordinator.winners(1)).isInstanceOf(IllegalStateException.class);

        coordinator.finish(2);
        lotteryThread.runAll();

        assertThat(called).hasValue(1);
        assertThat(coordinator.winners(1)).containsExactly("10000000", "10000007", "10000014");
        assertThat(coordinator.winners(2)).containsExactly("20000000", "20000007", "20000014");
        // Once decided, a new callback runs at once.
        coordinator.whenDecided(called::incrementAndGet);
        assertThat(called).hasValue(2);
        assertThat(coordinator.waitingCount()).isZero();
    }

    @Test
    void anAgencyWithoutWinnersGetsAnEmptyList() throws Exception {
        DrawCoordinator coordinator = coordinator("bets.csv", 2);
        coordinator.storeBets(1, Bets.range(1, 1, 7)); // no multiple of 7: no winner
        coordinator.finish(1);
        coordinator.finish(2);
        lotteryThread.runAll();

        assertThat(coordinator.winners(1)).isEmpty();
        assertThat(coordinator.winners(2)).isEmpty();
    }

    @Test
    void betsAfterFinishAreRefusedAndASecondFinishChangesNothing() throws Exception {
        DrawCoordinator coordinator = coordinator("bets.csv", 2);
        assertThat(coordinator.storeBets(1, Bets.range(1, 0, 4))).isEqualTo(4);
        assertThat(coordinator.storeBets(1, Bets.range(1, 4, 6))).isEqualTo(6);
        assertThat(coordinator.finish(1)).isEqualTo(6);

        assertRejected(() -> coordinator.storeBets(1, Bets.range(1, 6, 7)), ErrorCode.BET_AFTER_FINISH);
        assertThat(coordinator.finish(1)).isEqualTo(6);
        assertThat(coordinator.hasFinished(1)).isTrue();
        assertThat(coordinator.hasFinished(2)).isFalse();
        assertThat(stores.get(0).loadBets()).hasSize(6);
        assertThat(lotteryThread.size()).isZero();
    }

    @Test
    void aStorageFailureIsARejectionThatStoresNothing() throws Exception {
        MemoryBetStore store = new MemoryBetStore();
        DrawCoordinator coordinator = new DrawCoordinator(store, 1, lotteryThread);
        coordinator.storeBets(1, Bets.range(1, 0, 2));
        store.failAppends("No space left on device");

        assertRejected(() -> coordinator.storeBets(1, Bets.range(1, 2, 50)), ErrorCode.STORAGE_FAILURE);
        assertThat(coordinator.finish(1)).isEqualTo(2);
        assertThat(store.rows()).hasSize(2);
    }

    @Test
    void closingRefusesEverythingAndAnswersTheWaitingQueries() throws Exception {
        DrawCoordinator coordinator = coordinator("bets.csv", 2);
        AtomicInteger called = new AtomicInteger();
        coordinator.whenDecided(called::incrementAndGet);

        coordinator.close();
        coordinator.close();

        assertThat(called).hasValue(1);
        assertThat(coordinator.isClosed()).isTrue();
        assertRejected(() -> coordinator.winners(1), ErrorCode.SHUTTING_DOWN);
        assertRejected(() -> coordinator.storeBets(1, Bets.range(1, 0, 1)), ErrorCode.SHUTTING_DOWN);
        assertRejected(() -> coordinator.finish(1), ErrorCode.SHUTTING_DOWN);
    }

    @Test
    void aStopBetweenTheLastFinishAndTheQueuedDrawMeansNoDraw() throws Exception {
        DrawCoordinator coordinator = coordinator("bets.csv", 1);
        coordinator.storeBets(1, Bets.range(1, 0, 8));
        coordinator.finish(1);
        try (LogCapture log = LogCapture.open()) {
            coordinator.close();
            lotteryThread.runAll();

            assertThat(coordinator.drawn()).isFalse();
            assertRejected(() -> coordinator.winners(1), ErrorCode.SHUTTING_DOWN);
            assertThat(log.messages()).noneMatch(line -> line.startsWith("action: sorteo"));
        }
    }

    @Test
    void aDrawThatCannotBeQueuedAnswersShuttingDown() throws Exception {
        DrawCoordinator coordinator = new DrawCoordinator(new MemoryBetStore(), 1, new LotteryThread() {
            @Override
            public void execute(Runnable task) {
                throw new RejectedExecutionException("stopped");
            }

            @Override
            public boolean inThread() {
                return true;
            }
        });
        AtomicInteger called = new AtomicInteger();
        coordinator.whenDecided(called::incrementAndGet);

        coordinator.finish(1);

        assertThat(called).hasValue(1);
        assertRejected(() -> coordinator.winners(1), ErrorCode.SHUTTING_DOWN);
    }

    @Test
    void aDrawThatCannotReadTheBetsFailsTheQueriesAndLogsTheFileTextSafely() throws Exception {
        DrawCoordinator coordinator = coordinator("corrupt.csv", 1);
        // A '|' in the file's text must not reach the log line as is: the course's parser splits lines on it.
        Files.writeString(dir.resolve("corrupt.csv"), "1,a,b,1,2000|01|01,5\r\n");
        try (LogCapture log = LogCapture.open()) {
            coordinator.finish(1);
            lotteryThread.runAll();

            assertRejected(() -> coordinator.winners(1), ErrorCode.INTERNAL_ERROR);
            List<String> failures = log.messages().stream()
                    .filter(line -> line.startsWith("action: sorteo | result: fail | error: ")).toList();
            assertThat(failures).hasSize(1);
            assertThat(failures.get(0).substring("action: sorteo | result: fail | error: ".length()))
                    .contains("row 1", "2000/01/01").doesNotContain("|");
            assertThat(log.count("action: sorteo | result: success")).isZero();
        }
    }

    @Test
    void theDrawStreamsTheStoreAndCountsEveryAgency() throws Exception {
        MemoryBetStore store = new MemoryBetStore();
        DrawCoordinator coordinator = new DrawCoordinator(store, 2, lotteryThread);
        coordinator.storeBets(2, Bets.range(2, 0, 30));
        coordinator.storeBets(1, Bets.range(1, 0, 8));
        assertThat(coordinator.finish(1)).isEqualTo(8);
        assertThat(coordinator.finish(2)).isEqualTo(30);
        lotteryThread.runAll();

        assertThat(coordinator.winners(1)).containsExactly("10000000", "10000007");
        assertThat(coordinator.winners(2)).containsExactly("20000000", "20000007", "20000014", "20000021",
                "20000028");
        assertThat(store.rows()).hasSize(38);
    }

    @Test
    void withoutAgenciesThereIsNoDrawAndAnyAgencyMayBet() throws Exception {
        DrawCoordinator coordinator = coordinator("bets.csv", 0);

        assertThat(coordinator.knowsAgency(1)).isTrue();
        assertThat(coordinator.knowsAgency(65535)).isTrue();
        assertThat(coordinator.knowsAgency(0)).isFalse();
        coordinator.storeBets(900, Bets.range(900, 0, 1));
        coordinator.finish(900);

        assertThat(lotteryThread.size()).isZero();
        assertThat(coordinator.drawDecided()).isFalse();
    }

    @Test
    void agenciesOutsideTheDrawAreABug() throws Exception {
        DrawCoordinator coordinator = coordinator("bets.csv", 5);

        assertThat(coordinator.knowsAgency(5)).isTrue();
        assertThat(coordinator.knowsAgency(6)).isFalse();
        assertThatThrownBy(() -> coordinator.finish(6)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aForgottenCallbackIsReleasedAndNeverRuns() throws Exception {
        DrawCoordinator coordinator = new DrawCoordinator(new MemoryBetStore(), 1, lotteryThread);
        AtomicInteger called = new AtomicInteger();
        Runnable callback = called::incrementAndGet;
        coordinator.whenDecided(callback);
        assertThat(coordinator.waitingCount()).isEqualTo(1);

        coordinator.forget(callback);
        coordinator.finish(1);
        lotteryThread.runAll();

        assertThat(coordinator.waitingCount()).isZero();
        assertThat(coordinator.drawn()).isTrue();
        assertThat(called).hasValue(0);
    }

    @Test
    void onlyWhatTheServerNeedsIsPublicTheRestBelongsToTheLotteryThreadsPackage() {
        // Everything but begin() and close() (start-up) and observe() and view() (the ops endpoint) is called by the
        // conversations, in this package; drawn() was once public for tests.
        List<String> publicMethods = Arrays.stream(DrawCoordinator.class.getDeclaredMethods())
                .filter(method -> Modifier.isPublic(method.getModifiers())).map(Method::getName).toList();

        assertThat(publicMethods).containsExactlyInAnyOrder("begin", "close", "observe", "view");
    }

    @Test
    void theViewCopiesTheBooksAndTheObserverHearsEveryStoredBatch() throws Exception {
        List<String> heard = new ArrayList<>();
        DrawCoordinator coordinator = new DrawCoordinator(0, lotteryThread, null, null, AgencySecrets.none(), false);
        coordinator.observe(new RoundObserver() {
            @Override
            public void stored(int agency, long seq, int bets) {
                heard.add(agency + "/" + seq + "/" + bets);
            }
        });
        assertThat(coordinator.view().open()).isFalse();
        coordinator.begin(new MemoryBetStore(), lottery.server.store.RoundSnapshot.empty(0));
        coordinator.storeBets(7, 1, Bets.range(7, 0, 3));
        coordinator.storeBets(7, 2, Bets.range(7, 3, 5));
        coordinator.storeBets(2, Bets.range(2, 0, 1));
        coordinator.finish(2);

        RoundView view = coordinator.view();

        assertThat(heard).containsExactly("7/1/3", "7/2/2", "2/0/1");
        // No draw (agencies 0): the agencies seen, by id; a single BET is no batch.
        assertThat(view.lines()).containsExactly(new RoundView.AgencyLine(2, 1, 0, false, true, false, -1),
                new RoundView.AgencyLine(7, 5, 2, false, false, false, -1));
        assertThat(view.bets()).isEqualTo(6);
        assertThat(view.batches()).isEqualTo(2);
        assertThat(view.state()).isEqualTo(RoundView.State.OPEN);
        assertThat(view.open()).isTrue();
        coordinator.close();
        assertThat(coordinator.view().open()).isFalse();
    }
}
