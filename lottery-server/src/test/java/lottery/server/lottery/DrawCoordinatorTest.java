package lottery.server.lottery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import lottery.protocol.message.ErrorCode;
import lottery.server.support.Bets;
import lottery.testkit.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DrawCoordinatorTest {
    @TempDir
    Path dir;

    private final List<BetStore> stores = new ArrayList<>();
    /** Counts the draws started; runs them on the calling thread. */
    private final AtomicInteger draws = new AtomicInteger();

    private DrawCoordinator coordinator(String name, int agencies) throws IOException {
        BetStore store = BetStore.open(dir.resolve(name), false);
        stores.add(store);
        return new DrawCoordinator(store, agencies, task -> {
            draws.incrementAndGet();
            task.run();
        });
    }

    @AfterEach
    void closeStores() throws IOException {
        for (BetStore store : stores) {
            store.close();
        }
    }

    @Test
    void racingFinishesRunTheDrawExactlyOnce() throws Exception {
        int agencies = 8;
        int rounds = 30;
        ExecutorService threads = Executors.newFixedThreadPool(agencies);
        try (LogCapture log = LogCapture.open()) {
            for (int round = 0; round < rounds; round++) {
                DrawCoordinator coordinator = coordinator("race-" + round + ".csv", agencies);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Long>> finishes = new ArrayList<>();
                for (int agency = 1; agency <= agencies; agency++) {
                    int id = agency;
                    coordinator.storeBets(id, Bets.range(id, 0, 3));
                    finishes.add(threads.submit(() -> {
                        go.await();
                        return coordinator.finish(id);
                    }));
                }
                go.countDown();
                for (Future<Long> finish : finishes) {
                    assertThat(finish.get(10, TimeUnit.SECONDS)).isEqualTo(3);
                }
                assertThat(coordinator.winners(1).get(10, TimeUnit.SECONDS)).containsExactly("10000000");
            }
            assertThat(draws).hasValue(rounds);
            assertThat(log.count("action: sorteo | result: success")).isEqualTo(rounds);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void winnersWaitForTheLastAgencyAndAreOnlyTheAgencysOwn() throws Exception {
        DrawCoordinator coordinator = coordinator("bets.csv", 3);
        for (int agency = 1; agency <= 3; agency++) {
            coordinator.storeBets(agency, Bets.range(agency, 0, 15)); // indices 0, 7, 14 win
        }
        CompletableFuture<List<String>> first = coordinator.winners(1);
        coordinator.finish(1);
        coordinator.finish(3);

        assertThat(first).isNotDone();
        assertThat(coordinator.drawn()).isFalse();

        coordinator.finish(2);

        assertThat(first).isCompletedWithValue(List.of("10000000", "10000007", "10000014"));
        assertThat(coordinator.winners(2).get()).containsExactly("20000000", "20000007", "20000014");
        assertThat(coordinator.drawn()).isTrue();
        assertThat(draws).hasValue(1);
    }

    @Test
    void anAgencyWithoutWinnersGetsAnEmptyList() throws Exception {
        DrawCoordinator coordinator = coordinator("bets.csv", 2);
        coordinator.storeBets(1, Bets.range(1, 1, 7)); // no multiple of 7: no winner
        coordinator.finish(1);
        coordinator.finish(2);

        assertThat(coordinator.winners(1).get()).isEmpty();
        assertThat(coordinator.winners(2).get()).isEmpty();
    }

    @Test
    void betsAfterFinishAndSecondFinishesAreRefused() throws Exception {
        DrawCoordinator coordinator = coordinator("bets.csv", 2);
        assertThat(coordinator.storeBets(1, Bets.range(1, 0, 4))).isEqualTo(4);
        assertThat(coordinator.storeBets(1, Bets.range(1, 4, 6))).isEqualTo(6);
        assertThat(coordinator.finish(1)).isEqualTo(6);

        assertThatThrownBy(() -> coordinator.storeBets(1, Bets.range(1, 6, 7)))
                .isInstanceOfSatisfying(LotteryRejection.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.BET_AFTER_FINISH));
        assertThatThrownBy(() -> coordinator.finish(1))
                .isInstanceOfSatisfying(LotteryRejection.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_FINISHED));
        assertThat(stores.get(0).loadBets()).hasSize(6);
        assertThat(draws).hasValue(0);
    }

    @Test
    void aStorageFailureIsARejectionThatStoresNothing() throws Exception {
        Path file = dir.resolve("failing.csv");
        FailingFileChannel channel = new FailingFileChannel(
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE));
        BetStore store = BetStore.over(file, false, channel);
        stores.add(store);
        DrawCoordinator coordinator = new DrawCoordinator(store, 1, Runnable::run);
        coordinator.storeBets(1, Bets.range(1, 0, 2));
        channel.failWrites();

        assertThatThrownBy(() -> coordinator.storeBets(1, Bets.range(1, 2, 50)))
                .isInstanceOfSatisfying(LotteryRejection.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_FAILURE));
        assertThat(coordinator.finish(1)).isEqualTo(2);
        assertThat(store.loadBets()).hasSize(2);
    }

    @Test
    void closingRefusesEverythingAndFailsHeldQueries() throws Exception {
        DrawCoordinator coordinator = coordinator("bets.csv", 2);
        CompletableFuture<List<String>> held = coordinator.winners(1);

        coordinator.close();
        coordinator.close();

        assertThat(coordinator.isClosed()).isTrue();
        assertThatThrownBy(held::get).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(LotteryRejection.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.SHUTTING_DOWN));
        assertThatThrownBy(() -> coordinator.storeBets(1, Bets.range(1, 0, 1)))
                .isInstanceOfSatisfying(LotteryRejection.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.SHUTTING_DOWN));
        assertThatThrownBy(() -> coordinator.finish(1))
                .isInstanceOfSatisfying(LotteryRejection.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.SHUTTING_DOWN));
    }

    @Test
    void aDrawThatCannotReadTheBetsFailsTheQueries() throws Exception {
        DrawCoordinator coordinator = coordinator("corrupt.csv", 1);
        Files.writeString(dir.resolve("corrupt.csv"), "not,a,bet\r\n");
        try (LogCapture log = LogCapture.open()) {
            coordinator.finish(1);

            assertThatThrownBy(() -> coordinator.winners(1).get()).cause()
                    .isInstanceOfSatisfying(LotteryRejection.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR));
            assertThat(log.messages()).anyMatch(line -> line.startsWith("action: sorteo | result: fail | error: "));
            assertThat(log.count("action: sorteo | result: success")).isZero();
        }
    }

    @Test
    void withoutAgenciesThereIsNoDrawAndAnyAgencyMayBet() throws Exception {
        DrawCoordinator coordinator = coordinator("bets.csv", 0);

        assertThat(coordinator.knowsAgency(1)).isTrue();
        assertThat(coordinator.knowsAgency(65535)).isTrue();
        assertThat(coordinator.knowsAgency(0)).isFalse();
        coordinator.storeBets(900, Bets.range(900, 0, 1));
        coordinator.finish(900);

        assertThat(coordinator.winners(900)).isNotDone();
        assertThat(draws).hasValue(0);
    }

    @Test
    void agenciesOutsideTheDrawAreABug() throws Exception {
        DrawCoordinator coordinator = coordinator("bets.csv", 5);

        assertThat(coordinator.knowsAgency(5)).isTrue();
        assertThat(coordinator.knowsAgency(6)).isFalse();
        assertThatThrownBy(() -> coordinator.finish(6)).isInstanceOf(IllegalArgumentException.class);
    }
}
