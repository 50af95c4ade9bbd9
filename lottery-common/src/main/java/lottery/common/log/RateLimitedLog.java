package lottery.common.log;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * Bounds the log lines a peer can cause: per key, at most {@code linesPerInterval} lines in each interval; the lines
 * beyond are dropped and counted, and once the interval is over one summary line says how many were dropped
 * ({@code action: log_suppressed | result: success | key: K | suppressed: N | interval_seconds: S}, at the level of
 * the dropped lines). The summary is written by a timer when the interval ends, or before the key's next line if that
 * comes first.
 *
 * <p>Two forms:
 * <ul>
 *   <li>{@link #warn}/{@link #info}/{@link #log}: ordinary lines (e.g. one per bad connection), the first
 *       {@code linesPerInterval} of each interval pass.</li>
 *   <li>{@link #counted}: an event that is logged at most once per interval by a line that carries how many times it
 *       happened since the previous line ({@code refused: K}); the events in between are folded into the next line,
 *       written when the interval ends. Its {@code linesPerInterval} is always 1.</li>
 * </ul>
 *
 * <p>Keys must come from a small fixed set (an action name), never from the peer (an address): one window is kept per
 * key for the life of the instance. A line whose level is disabled is neither written nor counted.
 *
 * <p>Thread-safe: any thread may log; each key's window is guarded by its own lock, and the lines are written outside
 * it. Usage, in a class that logs per connection:
 * <pre>
 * private static final RateLimitedLog LIMITED = new RateLimitedLog(LOG);
 * LIMITED.warn("protocol_error", "action: protocol_error | result: fail | ip: {} | code: {}", ip, code);
 * </pre>
 */
public final class RateLimitedLog {
    /** The default interval: 10 s. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    /** The default number of lines per key and interval. */
    public static final int DEFAULT_LINES = 10;

    private static final class TimerHolder {
        /** One daemon thread for every instance, started only when some line is first suppressed. */
        static final ScheduledExecutorService TIMER = timer();

        private static ScheduledExecutorService timer() {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
                Thread thread = new Thread(task, "rate-limited-log");
                thread.setDaemon(true);
                return thread;
            });
            timer.setRemoveOnCancelPolicy(true);
            return timer;
        }
    }

    private final Logger logger;
    private final int linesPerInterval;
    private final long intervalNanos;
    private final LongSupplier clock;
    /** Whether summaries are scheduled on the shared timer; if not, only before the key's next line or on flush. */
    private final boolean timed;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /** {@value #DEFAULT_LINES} lines per key every 10 s. */
    public RateLimitedLog(Logger logger) {
        this(logger, DEFAULT_LINES, DEFAULT_INTERVAL);
    }

    /** At most {@code linesPerInterval} lines per key and {@code interval}, summaries written by a shared timer. */
    public RateLimitedLog(Logger logger, int linesPerInterval, Duration interval) {
        this(logger, linesPerInterval, interval, System::nanoTime, true);
    }

    /**
     * For tests: time from {@code nanoClock}; summaries only before a key's next line or on {@link #flush()} (no
     * timer).
     */
    public RateLimitedLog(Logger logger, int linesPerInterval, Duration interval, LongSupplier nanoClock) {
        this(logger, linesPerInterval, interval, nanoClock, false);
    }

    private RateLimitedLog(Logger logger, int linesPerInterval, Duration interval, LongSupplier clock,
                           boolean timed) {
        if (linesPerInterval < 1) {
            throw new IllegalArgumentException("linesPerInterval must be at least 1: " + linesPerInterval);
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        this.logger = logger;
        this.linesPerInterval = linesPerInterval;
        this.intervalNanos = interval.toNanos();
        this.clock = clock;
        this.timed = timed;
    }

    public void warn(String key, String format, Object... args) {
        log(key, Level.WARN, format, args);
    }

    public void info(String key, String format, Object... args) {
        log(key, Level.INFO, format, args);
    }

    /** An ordinary line at {@code level}: written unless its key already had its lines in this interval. */
    public void log(String key, Level level, String format, Object... args) {
        if (logger.isEnabledForLevel(level) && admit(key, level, null)) {
            logger.atLevel(level).log(format, args);
        }
    }

    /**
     * An event logged at most once per interval: {@code line} gets how many events the line stands for (this one
     * and those folded in since the previous line) and returns the text. The events of the rest of the interval are
     * written as one line, with the latest {@code line} function, when the interval ends.
     */
    public void counted(String key, Level level, LongFunction<String> line) {
        if (logger.isEnabledForLevel(level) && admit(key, level, line)) {
            logger.atLevel(level).log(line.apply(1));
        }
    }

    /** Writes the summary of every key whose interval is over and that dropped lines in it. */
    public void flush() {
        for (Map.Entry<String, Window> entry : windows.entrySet()) {
            flush(entry.getKey(), entry.getValue(), false);
        }
    }

    /**
     * Forgets every key's interval and what it dropped, without a summary: the next line of each key passes. For
     * tests that share a static instance and assert on its lines.
     */
    public void reset() {
        for (Window window : windows.values()) {
            synchronized (window) {
                window.close();
            }
        }
    }

    /** Whether the line may be written now; writes the previous interval's summary first when due. */
    private boolean admit(String key, Level level, LongFunction<String> counted) {
        Window window = windows.computeIfAbsent(key, k -> new Window());
        int limit = counted != null ? 1 : linesPerInterval;
        Pending summary = null;
        boolean admitted;
        long scheduleIn = -1;
        long now = clock.getAsLong();
        synchronized (window) {
            if (window.open && now - window.start >= intervalNanos) {
                summary = window.close();
            }
            if (!window.open) {
                window.open = true;
                window.start = now;
                window.lines = 0;
            }
            if (window.lines < limit) {
                window.lines++;
                admitted = true;
            } else {
                admitted = false;
                window.suppressed++;
                window.level = window.level == null || level.toInt() > window.level.toInt() ? level : window.level;
                window.counted = counted;
                if (!window.scheduled) {
                    window.scheduled = true;
                    scheduleIn = Math.max(0, window.start + intervalNanos - now);
                }
            }
        }
        write(key, summary);
        if (scheduleIn >= 0) {
            schedule(key, window, scheduleIn);
        }
        return admitted;
    }

    private void schedule(String key, Window window, long delayNanos) {
        if (timed) {
            TimerHolder.TIMER.schedule(() -> flush(key, window, true), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        }
    }

    private void flush(String key, Window window, boolean fromTimer) {
        Pending summary = null;
        long reschedule = 0;
        synchronized (window) {
            if (fromTimer) {
                window.scheduled = false;
            }
            if (!window.open) {
                return;
            }
            long remaining = window.start + intervalNanos - clock.getAsLong();
            if (remaining <= 0) {
                summary = window.close();
            } else if (fromTimer && window.suppressed > 0) {
                // Woken early (a timer of an earlier interval): come back when this one is over.
                window.scheduled = true;
                reschedule = remaining;
            }
        }
        write(key, summary);
        if (reschedule > 0) {
            schedule(key, window, reschedule);
        }
    }

    private void write(String key, Pending summary) {
        if (summary == null) {
            return;
        }
        if (summary.counted != null) {
            logger.atLevel(summary.level).log(summary.counted.apply(summary.suppressed));
        } else {
            logger.atLevel(summary.level).log(
                    "action: log_suppressed | result: success | key: {} | suppressed: {} | interval_seconds: {}",
                    key, summary.suppressed, TimeUnit.NANOSECONDS.toSeconds(intervalNanos));
        }
    }

    private record Pending(long suppressed, Level level, LongFunction<String> counted) {
    }

    /** One key's current interval; guarded by its own lock. */
    private static final class Window {
        boolean open;
        long start;
        int lines;
        long suppressed;
        Level level;
        LongFunction<String> counted;
        boolean scheduled;

        /** Ends the interval; returns its summary, or null when nothing was dropped. */
        Pending close() {
            Pending summary = suppressed > 0 ? new Pending(suppressed, level, counted) : null;
            open = false;
            suppressed = 0;
            level = null;
            counted = null;
            return summary;
        }
    }
}
