package lottery.loadgen;

import java.util.Arrays;

/**
 * Latencies in nanoseconds (a batch's send to its Ack; an agency's start to its first Ack), kept exactly: every
 * sample in a growing array, sorted once for the percentiles. A run has one sample per batch (1.28 million bets in
 * batches of 163 make 7,853), so exact percentiles cost less than a histogram's error would explain. Thread-safe:
 * every agency's event loop records into one instance.
 */
final class LatencyStats {
    private long[] samples = new long[1024];
    private int count;

    synchronized void record(long nanos) {
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, count * 2);
        }
        samples[count++] = nanos;
    }

    synchronized long count() {
        return count;
    }

    /** The percentiles of everything recorded so far. */
    synchronized Summary summary() {
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        return new Summary(count, percentile(sorted, 50), percentile(sorted, 99),
                count == 0 ? 0 : sorted[count - 1] / 1e6);
    }

    /** The smallest sample that at least {@code p} percent of the samples do not exceed (nearest rank), in ms. */
    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }

    /**
     * @param count samples
     * @param p50   median, ms
     * @param p99   99th percentile, ms
     * @param max   largest, ms
     */
    record Summary(long count, double p50, double p99, double max) {
    }
}
