package lottery.testkit;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a leaked buffer while it ran, and fails it too when leak detection is not
 * what the build promises (PARANOID, with {@link RecordingLeakDetector} installed), so the check cannot be silently
 * off. The kit's {@code META-INF/services} names it; a module turns it on for every test class with
 * {@code junit.jupiter.extensions.autodetection.enabled=true} in its {@code junit-platform.properties}. The parent
 * pom's surefire configuration sets the level and the detector.
 *
 * <p>Netty only notices a leak when the garbage collector has cleared the leaked buffer and a later allocation polls
 * the detector's reference queue; {@link #collectLeakReports} makes both happen.
 */
public final class LeakCheckExtension implements AfterAllCallback {
    /** Collections per check: one for the leaked buffers, one more so every cleared reference is enqueued. */
    private static final int ROUNDS = 2;

    @Override
    public void afterAll(ExtensionContext context) {
        assertNoLeaks(context.getDisplayName(), ROUNDS);
    }

    /**
     * Throws an {@link AssertionError} when Netty reported a leak since the last check (after {@code rounds}
     * collections), or when leak detection is not PARANOID with {@link RecordingLeakDetector}.
     */
    public static void assertNoLeaks(String where, int rounds) {
        List<String> reports = collectLeakReports(rounds);
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
            throw new AssertionError("tests must run with -Dio.netty.leakDetection.level=paranoid, not "
                    + ResourceLeakDetector.getLevel());
        }
        if (!RecordingLeakDetector.installed()) {
            throw new AssertionError("io.netty.customResourceLeakDetector does not name "
                    + RecordingLeakDetector.class.getName() + ": leaks would go unnoticed");
        }
        if (!reports.isEmpty()) {
            throw new AssertionError(reports.size() + " ByteBuf leak(s) in " + where + ":\n"
                    + String.join("\n", reports));
        }
    }

    /**
     * Runs {@code rounds} garbage collections, each followed by an allocation that makes Netty report what it found,
     * and returns (and forgets) every leak reported so far.
     */
    public static List<String> collectLeakReports(int rounds) {
        for (int i = 0; i < rounds; i++) {
            awaitGarbageCollection();
            // A tracked allocation at PARANOID level polls the detector's queue and reports cleared leaks.
            ByteBufAllocator.DEFAULT.buffer(1).release();
            UnpooledByteBufAllocator.DEFAULT.buffer(1).release();
        }
        return RecordingLeakDetector.drainReports();
    }

    /** Returns once a collection has cleared and enqueued a fresh weak reference (or after one second). */
    private static void awaitGarbageCollection() {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        System.gc();
        try {
            queue.remove(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sentinel.clear();
    }
}
