package lottery.server.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import lottery.protocol.message.ErrorCode;
import lottery.server.support.Bets;
import lottery.server.support.MemoryBetStore;
import lottery.server.support.TaskQueue;
import org.junit.jupiter.api.Test;

/** The draw and its waiting queries on their own, with a {@link TaskQueue} as the lottery thread. */
class DrawTest {
    private final TaskQueue lotteryThread = new TaskQueue();
    private final Draw draw = new Draw(lotteryThread);

    @Test
    void aQueuedDrawRunsAsItsOwnTaskAndAnswersEveryWaitingQueryOnce() throws Exception {
        MemoryBetStore store = new MemoryBetStore();
        store.append(1, Bets.range(1, 0, 8));
        AtomicInteger called = new AtomicInteger();
        draw.whenDecided(called::incrementAndGet);
        draw.whenDecided(called::incrementAndGet);

        draw.queue(store, false);
        assertThat(draw.decided()).as("queued, not run").isFalse();
        assertThat(lotteryThread.runAll()).isEqualTo(1);

        assertThat(called).hasValue(2);
        assertThat(draw.waitingCount()).isZero();
        assertThat(draw.winners(1)).containsExactly("10000000", "10000007");
        assertThat(draw.winners(2)).isEmpty();
    }

    @Test
    void anOutcomeHandedOverIsTheOutcome() throws Exception {
        draw.decide(Map.of(3, List.of("30000000")), null);

        assertThat(draw.drawn()).isTrue();
        assertThat(draw.winners(3)).containsExactly("30000000");
        assertThat(lotteryThread.size()).isZero();
    }

    @Test
    void aStopBeforeTheDrawAnswersShuttingDownAndTheQueuedDrawDoesNotRun() {
        MemoryBetStore store = new MemoryBetStore();
        draw.queue(store, false);
        assertThatThrownBy(() -> draw.winners(1)).isInstanceOf(IllegalStateException.class);

        draw.stop();
        lotteryThread.runAll();

        assertThat(draw.drawn()).isFalse();
        assertThatThrownBy(() -> draw.winners(1)).isInstanceOfSatisfying(LotteryRejection.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.SHUTTING_DOWN));
    }
}
