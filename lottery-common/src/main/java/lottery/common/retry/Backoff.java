package lottery.common.retry;

import java.time.Duration;

/**
 * Exponential backoff: a first wait, then each wait twice the one before, up to a ceiling. An instance keeps where
 * its retry loop is, so each loop has its own; not thread-safe (a loop runs on one thread).
 *
 * <pre>
 * Backoff backoff = Backoff.reconnect();
 * while (true) {
 *     if (elapsed + backoff.peek() &gt; budget) give up;
 *     wait backoff.next(), then try again;
 * }
 * </pre>
 */
public final class Backoff {
    private final Duration first;
    private final Duration max;
    private Duration next;

    /**
     * @param first the first wait, more than zero
     * @param max   the longest wait, at least {@code first}
     */
    public Backoff(Duration first, Duration max) {
        if (first.isNegative() || first.isZero()) {
            throw new IllegalArgumentException("the first wait must be more than zero: " + first);
        }
        if (max.compareTo(first) < 0) {
            throw new IllegalArgumentException("the longest wait " + max + " is shorter than the first " + first);
        }
        this.first = first;
        this.max = max;
        this.next = first;
    }

    /**
     * 100 ms doubling to 2 s: how an agency (the client's, and each of the load generator's) waits between its
     * attempts to get a lost session back.
     */
    public static Backoff reconnect() {
        return new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
    }

    /** The wait {@link #next()} returns next, without moving on. */
    public Duration peek() {
        return next;
    }

    /** The wait before the next attempt; the one after it is twice as long, up to the longest. */
    public Duration next() {
        Duration wait = next;
        Duration doubled = wait.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return wait;
    }

    /** Back to the first wait: the trouble is over (a session came back). */
    public void reset() {
        next = first;
    }
}
