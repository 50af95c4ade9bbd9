package lottery.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A one-way "please stop" flag shared by the thread that runs the client and whoever asks it to stop: the SIGTERM
 * shutdown hook in production, a test in-process. Waits that must end early on a stop (the echo loop's period, the
 * connect backoff, the wait for the winners) go through {@link #await(Duration)} or register a listener with
 * {@link #onStop(Runnable)}; work that must finish (the batch in flight) simply checks {@link #isRequested()} when it
 * is done. Thread-safe.
 */
public final class StopSignal {
    private final CountDownLatch requested = new CountDownLatch(1);
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /** Asks the client to stop; runs the registered listeners once, on the calling thread. Idempotent. */
    public void request() {
        synchronized (this) {
            if (isRequested()) {
                return;
            }
            requested.countDown();
        }
        listeners.forEach(Runnable::run);
    }

    public boolean isRequested() {
        return requested.getCount() == 0;
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
