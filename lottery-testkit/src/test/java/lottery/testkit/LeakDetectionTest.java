package lottery.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Proves that {@link LeakCheckExtension} sees a leak: a buffer leaked on purpose must be reported, and a test class
 * that leaks must fail when it runs with the extension registered the way the modules register it.
 */
class LeakDetectionTest {
    /** Enough collections for a leaked buffer to be found even on a busy machine; bounded. */
    private static final int MAX_ROUNDS = 20;

    @Test
    void aBufferNeverReleasedIsReportedWithWhereItWasUsed() {
        leakOneBuffer();

        List<String> reports = new ArrayList<>();
        for (int round = 0; round < MAX_ROUNDS && reports.isEmpty(); round++) {
            reports.addAll(LeakCheckExtension.collectLeakReports(1));
        }

        // Drained: the deliberate leak is caught here and does not fail this class's leak check.
        assertThat(reports).isNotEmpty();
        assertThat(reports.get(0)).startsWith("LEAK: ByteBuf was not released").contains("leakOneBuffer");
        assertThat(RecordingLeakDetector.installed()).isTrue();
    }

    @Test
    void aTestClassThatLeaksFails() {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(Leaky.class))
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        Leaky.rounds = MAX_ROUNDS;

        launcher.execute(request, listener);

        TestExecutionSummary summary = listener.getSummary();
        // The test method itself passes; the class fails in afterAll, with the report as the reason.
        assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
        assertThat(summary.getFailures()).hasSize(1);
        assertThat(summary.getFailures().get(0).getException())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ByteBuf leak(s) in LeakDetectionTest$Leaky")
                .hasMessageContaining("leakOneBuffer");
    }

    /** Allocates and drops a tracked buffer in its own frame, so nothing keeps it reachable. */
    static void leakOneBuffer() {
        ByteBuf leaked = ByteBufAllocator.DEFAULT.buffer(16);
        leaked.writeLong(0x4C45414B4C45414BL);
    }

    /**
     * Leaks, and lets the collector find it before the extension's afterAll runs (a nested class: surefire does not
     * run it on its own, only {@link #aTestClassThatLeaksFails} does, through the launcher).
     */
    static class Leaky {
        static int rounds;

        @Test
        void leaks() {
            leakOneBuffer();
            // Garbage collections until Netty has the report queued; the extension reads it in afterAll.
            for (int round = 0; round < rounds; round++) {
                System.gc();
                ByteBufAllocator.DEFAULT.buffer(1).release();
            }
        }
    }
}
