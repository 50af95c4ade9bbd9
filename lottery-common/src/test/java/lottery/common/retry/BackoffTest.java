package lottery.common.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static List<Long> millis(Backoff backoff, int waits) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < waits; i++) {
            out.add(backoff.next().toMillis());
        }
        return out;
    }

    @Test
    void reconnectWaits100MsDoublingTo2s() {
        assertThat(millis(Backoff.reconnect(), 8)).containsExactly(100L, 200L, 400L, 800L, 1600L, 2000L, 2000L, 2000L);
    }

    @Test
    void aCeilingThatIsNotAPowerOfTwoOfTheFirstIsStillReached() {
        assertThat(millis(new Backoff(Duration.ofMillis(50), Duration.ofMillis(300)), 5))
                .containsExactly(50L, 100L, 200L, 300L, 300L);
        assertThat(millis(new Backoff(Duration.ofMillis(70), Duration.ofMillis(70)), 3)).containsExactly(70L, 70L, 70L);
    }

    @Test
    void peekSaysTheNextWaitWithoutMovingOn() {
        Backoff backoff = Backoff.reconnect();
        assertThat(backoff.peek()).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.peek()).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.next()).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.peek()).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.next()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void resetStartsAgainFromTheFirstWait() {
        Backoff backoff = Backoff.reconnect();
        millis(backoff, 6);
        assertThat(backoff.peek()).isEqualTo(Duration.ofSeconds(2));
        backoff.reset();
        assertThat(millis(backoff, 3)).containsExactly(100L, 200L, 400L);
    }

    @Test
    void refusesAWaitOfZeroOrACeilingBelowTheFirstWait() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofMillis(-1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
