package lottery.server.ops;

import java.util.function.LongSupplier;

/**
 * The bets stored per second over the last minute, for the status page: every second ({@link #sample}) the growth
 * of the bets counter since the previous second goes into a ring of {@value #SAMPLES}.
 *
 * <p>Thread context: confined to the {@code ops} event loop, which samples it and reads it; the counter it samples
 * is thread-safe.
 */
final class BetRate {
    /** Samples kept: one minute. */
    static final int SAMPLES = 60;
    /** Seconds between samples. */
    static final int INTERVAL_SECONDS = 1;

    private final LongSupplier bets;
    private final long[] ring = new long[SAMPLES];
    private int next;
    private int count;
    private long last;

    BetRate(LongSupplier bets) {
        this.bets = bets;
        this.last = bets.getAsLong();
    }

    /** Takes one sample: the bets stored since the previous one. */
    void sample() {
        long now = bets.getAsLong();
        ring[next] = now - last;
        last = now;
        next = (next + 1) % SAMPLES;
        count = Math.min(count + 1, SAMPLES);
    }

    /** The samples, oldest first (up to {@value #SAMPLES}). */
    long[] perSecond() {
        long[] out = new long[count];
        int first = (next - count + SAMPLES) % SAMPLES;
        for (int i = 0; i < count; i++) {
            out[i] = ring[(first + i) % SAMPLES];
        }
        return out;
    }
}
