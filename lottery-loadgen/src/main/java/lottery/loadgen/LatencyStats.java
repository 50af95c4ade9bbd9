package lottery.loadgen;

import java.util.concurrent.TimeUnit;

/**
 * Ack latencies of batches (send to Ack, on the agency's event loop), summed up for the summary line. Thread-safe:
 * every agency's loop records into one instance. A later load generator can swap this for a histogram: its callers
 * only {@link #record} nanoseconds.
 */
final class LatencyStats {
    private long count;
    private long totalNanos;
    private long maxNanos;

    synchronized void record(long nanos) {
        count++;
        totalNanos += nanos;
        maxNanos = Math.max(maxNanos, nanos);
    }

    synchronized long count() {
        return count;
    }

    synchronized String summary() {
        double mean = count == 0 ? 0 : (double) totalNanos / count / TimeUnit.MILLISECONDS.toNanos(1);
        double max = (double) maxNanos / TimeUnit.MILLISECONDS.toNanos(1);
        return String.format(java.util.Locale.ROOT, "batches_acked: %d | ack_ms_mean: %.2f | ack_ms_max: %.2f",
                count, mean, max);
    }
}
