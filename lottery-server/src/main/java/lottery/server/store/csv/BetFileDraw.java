package lottery.server.store.csv;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lottery.server.store.DrawResult;
import lottery.server.store.csv.BetFileScanner.CorruptRowException;
import lottery.server.store.csv.BetFileScanner.Stop;

/**
 * The draw over the bets file: {@link BetFileScanner} over the whole file, in one range or several scanned at once
 * (as many as {@link #ranges} allows, fewer when a split finds no LF to start at).
 *
 * <p>Splitting: a range starts right after a LF near its share of the file. A LF may lie inside a quoted field (no
 * agency can send one, but a file written by Python may hold one), so each split is a guess that the range before it
 * checks: it scans on to the first row starting at or after the split and reports whether the split lay between two
 * rows. Only then does the next range's result count; otherwise the whole file is scanned again in one range. Rows and
 * winners of the ranges are joined in file order, so the result is the one-range result; a corrupt row is reported
 * with its row number in the whole file (the first corrupt row, as a single scan would find it).
 *
 * <p>Thread context: stateless; the caller's thread (the lottery thread, in the server) scans the first range, one
 * short-lived daemon thread ({@code draw-scan-N}) each further range, all joined before the draw returns. They share
 * only each range's volatile cancel flag; a range's result is read once its thread has ended.
 */
final class BetFileDraw {
    /** Bytes read around a split to find its LF; a split without a LF in them is dropped. */
    private static final int SPLIT_WINDOW = 64 * 1024;

    private BetFileDraw() {
    }

    /**
     * How many ranges are worth scanning at once over {@code size} bytes: one per whole {@code minRangeBytes} of it
     * (at least one), capped at the JVM's available processors. So every range's share of the file is at least
     * {@code minRangeBytes}, except the single range of a smaller file.
     */
    static int ranges(long size, long minRangeBytes) {
        long bySize = Math.max(1, size / Math.max(1, minRangeBytes));
        return (int) Math.min(Runtime.getRuntime().availableProcessors(), bySize);
    }

    /**
     * The draw over the bytes of {@code channel} (from 0 to its size now), in up to {@code ranges} ranges.
     *
     * @throws CorruptRowException naming the row (in the whole file) that is not a bet
     */
    static DrawResult draw(FileChannel channel, int ranges, int bufferBytes) throws IOException, CorruptRowException {
        return draw(channel, channel.size(), ranges, bufferBytes);
    }

    /**
     * The same over the first {@code size} bytes of {@code channel} only (what the round log covers, while a server
     * may be appending after them: {@code --status}).
     *
     * @throws IOException when the file is shorter than {@code size}
     */
    static DrawResult draw(FileChannel channel, long size, int ranges, int bufferBytes)
            throws IOException, CorruptRowException {
        if (channel.size() < size) {
            throw new IOException("the bets file holds " + channel.size() + " bytes, fewer than the " + size
                    + " its round log records");
        }
        List<Long> starts = splits(channel, size, ranges);
        if (starts.size() > 1) {
            DrawResult result = scanRanges(channel, size, starts, bufferBytes);
            if (result != null) {
                return result;
            }
        }
        return scanRanges(channel, size, List.of(0L), bufferBytes);
    }

    /** Range starts: 0, then the byte after the first LF at or after each share of the file. */
    private static List<Long> splits(FileChannel channel, long size, int ranges) throws IOException {
        List<Long> starts = new ArrayList<>();
        starts.add(0L);
        ByteBuffer window = ByteBuffer.allocate(SPLIT_WINDOW);
        for (int i = 1; i < ranges; i++) {
            long target = Math.max(size * i / ranges, starts.get(starts.size() - 1) + 1);
            window.clear();
            while (window.hasRemaining() && channel.read(window, target + window.position()) > 0) {
                // read the window (or up to the end of the file)
            }
            for (int k = 0; k < window.position(); k++) {
                if (window.get(k) == '\n') {
                    long start = target + k + 1;
                    if (start < size) {
                        starts.add(start);
                    }
                    break;
                }
            }
        }
        return starts;
    }

    /** The ranges' result, or null when a split lay inside a row. */
    private static DrawResult scanRanges(FileChannel channel, long size, List<Long> starts, int bufferBytes)
            throws IOException, CorruptRowException {
        int count = starts.size();
        Range[] ranges = new Range[count];
        for (int i = 0; i < count; i++) {
            long stopAt = i + 1 < count ? starts.get(i + 1) : Long.MAX_VALUE;
            ranges[i] = new Range(ranges, i, channel, starts.get(i), stopAt, size, bufferBytes);
        }
        List<Thread> threads = new ArrayList<>();
        try {
            for (int i = 1; i < count; i++) {
                Thread thread = new Thread(ranges[i], "draw-scan-" + i);
                thread.setDaemon(true);
                thread.start();
                threads.add(thread);
            }
            ranges[0].run();
        } finally {
            if (ranges[0].failure != null || ranges[0].stop != Stop.BETWEEN_ROWS) {
                ranges[0].cancelFollowing();
            }
            joinAll(threads, ranges);
        }
        Map<Integer, List<String>> winners = new HashMap<>();
        long rows = 0;
        for (int i = 0; i < count; i++) {
            Range range = ranges[i];
            if (range.failure instanceof CorruptRowException) {
                throw ((CorruptRowException) range.failure).after(rows);
            } else if (range.failure instanceof IOException) {
                throw (IOException) range.failure;
            } else if (range.failure instanceof RuntimeException) {
                throw (RuntimeException) range.failure;
            } else if (range.failure != null) {
                throw (Error) range.failure;
            }
            if (i + 1 < count && range.stop != Stop.BETWEEN_ROWS) {
                return null;
            }
            rows += range.rows;
            range.winners.forEach((agency, documents) ->
                    winners.computeIfAbsent(agency, a -> new ArrayList<>()).addAll(documents));
        }
        return new DrawResult(rows, winners);
    }

    private static void joinAll(List<Thread> threads, Range[] ranges) throws InterruptedIOException {
        boolean interrupted = false;
        for (Thread thread : threads) {
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    // Stop the others at their next read, then still wait for them: none outlives the draw.
                    interrupted = true;
                    ranges[0].cancelFollowing();
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("the draw was interrupted");
        }
    }

    /** One range: scanned by {@link #run}, its result read after the thread that ran it ended. */
    private static final class Range implements Runnable {
        private final Range[] all;
        private final int index;
        private final FileChannel channel;
        private final long from;
        private final long stopAt;
        private final long size;
        private final int bufferBytes;
        private volatile boolean cancelled;
        private final Map<Integer, List<String>> winners = new HashMap<>();
        private long rows;
        private Stop stop;
        private Throwable failure;

        Range(Range[] all, int index, FileChannel channel, long from, long stopAt, long size, int bufferBytes) {
            this.all = all;
            this.index = index;
            this.channel = channel;
            this.from = from;
            this.stopAt = stopAt;
            this.size = size;
            this.bufferBytes = bufferBytes;
        }

        @Override
        public void run() {
            BetFileScanner scanner = new BetFileScanner(channel, from, size, bufferBytes, () -> cancelled);
            try {
                stop = scanner.scan(stopAt, row -> {
                    if (row.hasWon()) {
                        winners.computeIfAbsent(row.agency(), a -> new ArrayList<>()).add(row.document());
                    }
                });
                rows = scanner.rows();
            } catch (Throwable e) { // handed to the caller's thread, which rethrows it
                failure = e;
                cancelFollowing();
            }
        }

        /** Stops the ranges after this one: their result can no longer count. */
        void cancelFollowing() {
            for (int i = index + 1; i < all.length; i++) {
                all[i].cancelled = true;
            }
        }
    }
}
