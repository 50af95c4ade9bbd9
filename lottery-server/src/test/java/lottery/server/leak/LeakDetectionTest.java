package lottery.server.leak;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Proves that {@link LeakCheckExtension} would see a leak: a buffer leaked on purpose must be reported. */
class LeakDetectionTest {
    /** Enough collections for the leaked buffer to be found even on a busy machine; bounded. */
    private static final int MAX_ROUNDS = 20;

    @Test
    void aBufferNeverReleasedIsReported() {
        new LeakCheckExtension().beforeAll(null);
        leakOneBuffer();

        List<String> reports = new ArrayList<>();
        for (int round = 0; round < MAX_ROUNDS && reports.isEmpty(); round++) {
            reports.addAll(LeakCheckExtension.collectLeakReports(1));
        }

        // Drained here, so the deliberate leak does not fail this class's own check.
        assertThat(reports).isNotEmpty();
        assertThat(reports.get(0)).startsWith("LEAK: ByteBuf.release() was not called");
    }

    /** Allocates and drops a tracked buffer in its own frame, so nothing keeps it reachable. */
    private static void leakOneBuffer() {
        ByteBuf leaked = ByteBufAllocator.DEFAULT.buffer(16);
        leaked.writeLong(0x4C45414B4C45414BL);
    }
}
