package lottery.common.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import lottery.testkit.LogCapture;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class RateLimitedLogTest {
    private static final Logger LOG = LoggerFactory.getLogger(RateLimitedLogTest.class);
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong(5 * SECOND);
    private final RateLimitedLog limited = new RateLimitedLog(LOG, 2, Duration.ofSeconds(10), now::get);

    @Test
    void theFirstLinesOfAnIntervalPassAndTheRestAreSummedUpOnceItIsOver() {
        try (LogCapture log = LogCapture.open(Level.INFO)) {
            for (int i = 1; i <= 10_000; i++) {
                limited.warn("bad", "action: bad | result: fail | n: {}", i);
            }
            limited.info("other", "action: other | result: success");
            now.addAndGet(9 * SECOND);
            limited.flush();
            assertThat(log.lines()).containsExactly(
                    "WARN action: bad | result: fail | n: 1",
                    "WARN action: bad | result: fail | n: 2",
                    "INFO action: other | result: success");

            now.addAndGet(SECOND);
            limited.flush();
            limited.flush();
            limited.warn("bad", "action: bad | result: fail | n: {}", 10_001);

            assertThat(log.lines()).containsExactly(
                    "WARN action: bad | result: fail | n: 1",
                    "WARN action: bad | result: fail | n: 2",
                    "INFO action: other | result: success",
                    "WARN action: log_suppressed | result: success | key: bad | suppressed: 9998 | interval_seconds: 10",
                    "WARN action: bad | result: fail | n: 10001");
        }
    }

    @Test
    void aDueSummaryIsWrittenBeforeTheKeysNextLine() {
        try (LogCapture log = LogCapture.open(Level.INFO)) {
            for (int i = 1; i <= 3; i++) {
                limited.info("k", "line {}", i);
            }
            now.addAndGet(30 * SECOND);
            limited.info("k", "line {}", 4);

            assertThat(log.lines()).containsExactly("INFO line 1", "INFO line 2",
                    "INFO action: log_suppressed | result: success | key: k | suppressed: 1 | interval_seconds: 10",
                    "INFO line 4");
        }
    }

    @Test
    void aCountedEventIsLoggedOncePerIntervalWithTheEventsSinceTheLastLine() {
        try (LogCapture log = LogCapture.open(Level.INFO)) {
            for (int i = 0; i < 500; i++) {
                String error = "error " + i;
                limited.counted("accept", org.slf4j.event.Level.WARN,
                        k -> "action: accept | result: fail | error: " + error + " | repeated: " + k);
            }
            now.addAndGet(10 * SECOND);
            limited.flush();
            limited.counted("accept", org.slf4j.event.Level.WARN, k -> "action: accept | result: fail | repeated: " + k);

            assertThat(log.lines()).containsExactly(
                    "WARN action: accept | result: fail | error: error 0 | repeated: 1",
                    "WARN action: accept | result: fail | error: error 499 | repeated: 499",
                    "WARN action: accept | result: fail | repeated: 1");
        }
    }

    @Test
    void disabledLinesAreNeitherWrittenNorCounted() {
        try (LogCapture log = LogCapture.open(Level.WARN)) {
            for (int i = 0; i < 5; i++) {
                limited.info("k", "quiet {}", i);
            }
            now.addAndGet(10 * SECOND);
            limited.flush();
            limited.warn("k", "loud");

            assertThat(log.lines()).containsExactly("WARN loud");
        }
    }

    @Test
    void theTimerWritesTheSummaryWhenTheIntervalEnds() throws InterruptedException {
        RateLimitedLog timed = new RateLimitedLog(LOG, 1, Duration.ofMillis(200));
        try (LogCapture log = LogCapture.open(Level.INFO)) {
            timed.warn("t", "first");
            timed.warn("t", "second");
            timed.warn("t", "third");

            assertThat(log.await(line -> line.contains("action: log_suppressed"), Duration.ofSeconds(10)))
                    .isEqualTo("WARN action: log_suppressed | result: success | key: t | suppressed: 2"
                            + " | interval_seconds: 0");
            assertThat(log.lines()).hasSize(2);
        }
    }
}
