package lottery.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import lottery.protocol.codec.LotteryPipeline;
import lottery.protocol.codec.Wire;
import lottery.protocol.message.Batch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The client's (and load generator's) side of a full BATCH (263 bets): a {@link Batch} record to bytes. Figures are
 * per bet ({@code @OperationsPerInvocation}).
 *
 * <ul>
 * <li>{@code wireWrite}: {@link Wire#write} into one reused pooled direct buffer.
 * <li>{@code pipeline}: the real outbound path: {@code writeOutbound} through {@link LotteryPipeline}'s handlers
 *     (message encoder, which allocates the frame's buffer, then the length prepender) on an EmbeddedChannel; the
 *     buffers written are released.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(BenchBets.BETS_PER_BATCH)
public class BatchEncodeBenchmark {
    private Batch batch;
    private ByteBuf out;
    private EmbeddedChannel channel;

    @Setup
    public void setUp() {
        batch = BenchBets.fullBatch();
        byte[] frame = BenchBets.frame(batch);
        out = PooledByteBufAllocator.DEFAULT.directBuffer(frame.length);
        channel = new EmbeddedChannel();
        LotteryPipeline.addLast(channel.pipeline());
        BenchChecks.same("wireWrite", ByteBufUtil.hexDump(frame), ByteBufUtil.hexDump(wireWrite()));
        channel.writeOutbound(batch);
        ByteBuf written = PooledByteBufAllocator.DEFAULT.heapBuffer();
        for (Object msg; (msg = channel.readOutbound()) != null; ) {
            written.writeBytes((ByteBuf) msg);
            ReferenceCountUtil.release(msg);
        }
        BenchChecks.same("pipeline", frame.length + 4, written.readableBytes());
        BenchChecks.same("pipeline", ByteBufUtil.hexDump(frame), ByteBufUtil.hexDump(written, 4, frame.length));
        written.release();
    }

    @TearDown
    public void tearDown() {
        channel.finishAndReleaseAll();
        out.release();
    }

    @Benchmark
    public ByteBuf wireWrite() {
        out.clear();
        Wire.write(batch, out);
        return out;
    }

    @Benchmark
    public int pipeline() {
        channel.writeOutbound(batch);
        int bytes = 0;
        for (Object msg; (msg = channel.readOutbound()) != null; ) {
            bytes += ((ByteBuf) msg).readableBytes();
            ReferenceCountUtil.release(msg);
        }
        return bytes;
    }
}
