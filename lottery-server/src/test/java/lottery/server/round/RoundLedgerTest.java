package lottery.server.round;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import lottery.server.store.RoundSnapshot;
import lottery.server.support.TaskQueue;
import org.junit.jupiter.api.Test;

/** The round's books on their own: seeded from a snapshot, kept per request, reloaded from a shared store. */
class RoundLedgerTest {
    private final TaskQueue lotteryThread = new TaskQueue();

    @Test
    void aSeededLedgerGoesOnFromTheSnapshot() {
        RoundLedger ledger = new RoundLedger(3, lotteryThread);
        ledger.seed(new RoundSnapshot(3, Map.of(1, 4L), Map.of(1, 40L, 2, 5L), Set.of(2), Set.of(2), false));

        assertThat(ledger.lastSeq(1)).isEqualTo(4);
        assertThat(ledger.stored(2)).isEqualTo(5);
        assertThat(ledger.lastSeq(3)).isZero();
        assertThat(ledger.hasFinished(2)).isTrue();
        assertThat(ledger.recordAnswered(2)).as("answered before the restart").isFalse();
        assertThat(ledger.recordAnswered(1)).isTrue();
        assertThat(ledger.recordAnswered(1)).isFalse();

        assertThat(ledger.recordStored(1, 5, 10)).isEqualTo(50);
        assertThat(ledger.recordStored(1, 0, 1)).as("a single BET has no seq").isEqualTo(51);
        assertThat(ledger.lastSeq(1)).isEqualTo(5);
    }

    @Test
    void theSetIsCompleteOnlyOnceEveryAgencyFinishedAndNeverWithoutADraw() {
        RoundLedger ledger = new RoundLedger(2, lotteryThread);
        ledger.recordFinished(1);
        assertThat(ledger.allFinished()).isFalse();
        ledger.recordFinished(2);
        assertThat(ledger.allFinished()).isTrue();

        RoundLedger noDraw = new RoundLedger(0, lotteryThread);
        noDraw.recordFinished(900);
        assertThat(noDraw.allFinished()).isFalse();
        assertThat(noDraw.knowsAgency(900)).isTrue();
        assertThat(noDraw.knowsAgency(0)).isFalse();
    }

    @Test
    void oneLiveSessionPerAgencyAndOnlyItsHolderReleasesIt() {
        RoundLedger ledger = new RoundLedger(2, lotteryThread);
        Object first = new Object();
        Object second = new Object();

        assertThat(ledger.claimSession(1, first)).isTrue();
        assertThat(ledger.claimSession(1, first)).as("its own session again").isTrue();
        assertThat(ledger.claimSession(1, second)).isFalse();
        ledger.releaseSession(1, second);
        assertThat(ledger.claimSession(1, second)).as("not released by another").isFalse();
        ledger.releaseSession(1, first);
        assertThat(ledger.claimSession(1, second)).isTrue();
    }

    @Test
    void aSharedStoresViewReplacesTheAgencysLine() {
        RoundLedger ledger = new RoundLedger(2, lotteryThread);
        ledger.recordStored(1, 3, 30);
        ledger.recordFinished(1);

        ledger.load(1, 7, 70, false);

        assertThat(ledger.lastSeq(1)).isEqualTo(7);
        assertThat(ledger.stored(1)).isEqualTo(70);
        assertThat(ledger.hasFinished(1)).isFalse();
        ledger.load(2, 0, 0, true);
        assertThat(ledger.hasFinished(2)).isTrue();
    }
}
