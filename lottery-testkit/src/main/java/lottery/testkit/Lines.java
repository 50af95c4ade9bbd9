package lottery.testkit;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Lines that one thread appends (a log appender, a child process's output reader) and a test reads or waits for,
 * with a deadline instead of sleeps. Thread-safe.
 *
 * @param <T> a line: text, or a record of a logged event
 */
public final class Lines<T> {
    private final List<T> lines = new ArrayList<>();

    public synchronized void add(T line) {
        lines.add(line);
        notifyAll();
    }

    public synchronized List<T> all() {
        return List.copyOf(lines);
    }

    /** Waits until a line matches (earlier lines count too), failing the test after {@code timeout}. */
    public synchronized T await(Predicate<? super T> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int seen = 0; ; ) {
            for (; seen < lines.size(); seen++) {
                if (condition.test(lines.get(seen))) {
                    return lines.get(seen);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return fail("no matching line within " + timeout + "; got " + lines);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
