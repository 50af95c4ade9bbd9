package lottery.server.leak;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails a test class when Netty reported a leaked buffer while it ran (Netty's detector logs "LEAK: ..." at ERROR
 * through SLF4J; this extension records those events), and when the tests do not run at PARANOID level. Registered
 * for every test class through {@code META-INF/services} and {@code junit-platform.properties}.
 */
public final class LeakCheckExtension implements BeforeAllCallback, AfterAllCallback {
    private static final Queue<String> REPORTS = new ConcurrentLinkedQueue<>();
    private static final Recorder RECORDER = new Recorder();

    @Override
    public void beforeAll(ExtensionContext context) {
        RECORDER.attach();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> reports = collectLeakReports(2);
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
            throw new AssertionError("tests must run with -Dio.netty.leakDetection.level=paranoid, not "
                    + ResourceLeakDetector.getLevel());
        }
        if (!reports.isEmpty()) {
            throw new AssertionError(reports.size() + " ByteBuf leak(s) in " + context.getDisplayName() + ":\n"
                    + String.join("\n", reports));
        }
    }

    /**
     * Runs {@code rounds} garbage collections, each followed by tracked allocations (which make Netty report the
     * leaks the collector found), and returns, forgetting them, the reports recorded so far.
     */
    static List<String> collectLeakReports(int rounds) {
        for (int round = 0; round < rounds; round++) {
            awaitGarbageCollection();
            ByteBufAllocator.DEFAULT.buffer(1).release();
            UnpooledByteBufAllocator.DEFAULT.buffer(1).release();
        }
        List<String> reports = new ArrayList<>();
        for (String report; (report = REPORTS.poll()) != null; ) {
            reports.add(report);
        }
        return reports;
    }

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

    /** Records the leak reports of Netty's detector. */
    private static final class Recorder extends AppenderBase<ILoggingEvent> {
        private final Logger detector = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);

        synchronized void attach() {
            if (!isStarted()) {
                setContext(detector.getLoggerContext());
                setName("leak-recorder");
                start();
                detector.addAppender(this);
            }
        }

        @Override
        protected void append(ILoggingEvent event) {
            if (event.getFormattedMessage().startsWith("LEAK:")) {
                REPORTS.add(event.getFormattedMessage());
            }
        }
    }
}
