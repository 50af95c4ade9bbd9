package lottery.protocol.leak;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Proves that {@link LeakCheckExtension} would see a leak: a test that leaks on purpose must be caught. */
class LeakDetectionTest {
    /** Enough collections for a leaked buffer to be found even on a busy machine; bounded. */
    private static final int MAX_ROUNDS = 20;

    @Test
    void aBufferNeverReleasedIsReported() {
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

    /** Allocates and drops a tracked buffer in its own frame, so nothing keeps it reachable. */
    private static void leakOneBuffer() {
        ByteBuf leaked = ByteBufAllocator.DEFAULT.buffer(16);
        leaked.writeLong(0x4C45414B4C45414BL);
    }
}
