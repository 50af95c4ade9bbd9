package lottery.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import lottery.common.lifecycle.SignalExit;

/**
 * A one-way "please stop" flag shared by the thread that runs the client and whoever asks it to stop: the SIGTERM
 * shutdown hook in production ({@link SignalExit#onSignal}), a test in-process. Waits that must end early on a stop
 * (the echo loop's period, the connect backoff, the wait for the winners) go through {@link #await(Duration)} or
 * register a listener with {@link #onStop(Runnable)}; work that should finish (the batches in flight) checks
 * {@link #isRequested()} when it is done, and bounds its waits with {@link #cap(long)}: once a stop is requested, no
 * wait lasts past the request time plus {@link #STOP_GRACE}, however many waits follow, so the run always ends well
 * within the {@link SignalExit#GRACE} the SIGTERM hook allows. Thread-safe.
 */
public final class StopSignal {
    /** How long, counted from the stop request, exchanges in flight may still take. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(3);

    private final CountDownLatch requested = new CountDownLatch(1);
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    /** {@link System#nanoTime()} of the request plus {@link #STOP_GRACE}; written before {@code requested} opens. */
    private volatile long graceEnd;

    /** Asks the client to stop; runs the registered listeners once, on the calling thread. Idempotent. */
    public void request() {
        synchronized (this) {
            if (isRequested()) {
                return;
            }
            graceEnd = System.nanoTime() + STOP_GRACE.toNanos();
            requested.countDown();
        }
        listeners.forEach(Runnable::run);
    }

    public boolean isRequested() {
        return requested.getCount() == 0;
    }

    /**
     * The deadline a wait must keep: {@code deadline} itself, or, once a stop was requested, the end of the stop grace
     * when that comes first. Both are {@link System#nanoTime()} values.
     */
    public long cap(long deadline) {
        if (!isRequested()) {
            return deadline;
        }
        return deadline - graceEnd < 0 ? deadline : graceEnd;
    }

    /**
     * Waits up to {@code timeout} for a stop request.
     *
     * @return {@code true} when a stop was requested (or the thread was interrupted, which means the same)
     */
    public boolean await(Duration timeout) {
        try {
            return requested.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /**
     * Runs {@code listener} when a stop is requested, or at once when it already was. The listener runs on the
     * requesting thread and must not block.
     *
     * @return a handle that unregisters the listener
     */
    public Registration onStop(Runnable listener) {
        synchronized (this) {
            if (!isRequested()) {
                listeners.add(listener);
                return () -> listeners.remove(listener);
            }
        }
        listener.run();
        return () -> { };
    }

    /** Unregisters a stop listener; never throws. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
