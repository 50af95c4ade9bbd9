package lottery.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StopSignalTest {
    private static final long HOUR = Duration.ofHours(1).toNanos();

    @Test
    void beforeARequestDeadlinesStandAsTheyAre() {
        StopSignal stop = new StopSignal();
        long deadline = System.nanoTime() + HOUR;
        assertThat(stop.cap(deadline)).isEqualTo(deadline);
        assertThat(stop.isRequested()).isFalse();
    }

    @Test
    void afterARequestEveryLaterDeadlineEndsWithTheStopGraceCountedFromTheRequest() {
        StopSignal stop = new StopSignal();
        long before = System.nanoTime();
        stop.request();
        long after = System.nanoTime();
        long grace = StopSignal.STOP_GRACE.toNanos();

        long first = stop.cap(after + HOUR);
        long second = stop.cap(System.nanoTime() + HOUR);
        assertThat(first).isEqualTo(second).isBetween(before + grace, after + grace);
        long soon = after + grace / 2;
        assertThat(stop.cap(soon)).isEqualTo(soon);
    }

    @Test
    void aSecondRequestChangesNothingAndListenersRunOnce() {
        StopSignal stop = new StopSignal();
        AtomicInteger runs = new AtomicInteger();
        stop.onStop(runs::incrementAndGet);
        stop.request();
        long end = stop.cap(System.nanoTime() + HOUR);
        stop.request();
        assertThat(stop.cap(System.nanoTime() + HOUR)).isEqualTo(end);
        assertThat(runs).hasValue(1);
    }
}
