package lottery.testkit;

import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A leak detector that records every leak report instead of logging it, so that {@link LeakCheckExtension} can fail
 * the build on one (its failure message carries the report, access records included). Netty creates it instead of its own detector because the module's surefire configuration sets
 * {@code io.netty.customResourceLeakDetector} to this class; a detector of Netty's only writes "LEAK:" to a log.
 *
 * <p>Reports arrive on whichever thread happens to allocate a tracked buffer after the garbage collector found the
 * leaked one, hence the concurrent queue.
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {
    private static final Queue<String> REPORTS = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    /** The constructor Netty's detector factory looks up by reflection. */
    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
        INSTANCES.incrementAndGet();
    }

    /**
     * The older constructor the factory also looks up (it logs an error when it is missing); {@code maxActive} has
     * no effect in Netty 4.2.
     */
    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        this(resourceType, samplingInterval);
    }

    /** Whether Netty created at least one detector of this class, i.e. the system property took effect. */
    public static boolean installed() {
        return INSTANCES.get() > 0;
    }

    /** Returns the reports recorded since the last call and forgets them. */
    public static List<String> drainReports() {
        List<String> drained = new ArrayList<>();
        for (String report; (report = REPORTS.poll()) != null; ) {
            drained.add(report);
        }
        return drained;
    }

    @Override
    protected boolean needReport() {
        // Record leaks even when Netty's logger is quiet.
        return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        REPORTS.add("LEAK: " + resourceType + " was not released." + records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        REPORTS.add("LEAK: " + resourceType + " was not released (no access records).");
    }
}
