package lottery.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LengthFieldPrepender;
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
 *
 * <p>Each has a {@code ...Before} twin running the code as it was before issue 11 ({@link OldHotPaths}) on the
 * same batch, as the same-run baseline.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(BenchBets.BETS_PER_BATCH)
public class BatchEncodeBenchmark {
    private Batch batch;
    private ByteBuf out;
    private EmbeddedChannel channel;
    private EmbeddedChannel channelBefore;

    @Setup
    public void setUp() {
        batch = BenchBets.fullBatch();
        byte[] frame = BenchBets.frame(batch);
        out = ByteBufAllocator.DEFAULT.directBuffer(frame.length);
        channel = new EmbeddedChannel();
        LotteryPipeline.addLast(channel.pipeline());
        channelBefore = new EmbeddedChannel(new LengthFieldPrepender(4), new OldHotPaths.Encoder());
        BenchChecks.same("wireWrite", ByteBufUtil.hexDump(frame), ByteBufUtil.hexDump(wireWrite()));
        BenchChecks.same("wireWriteBefore", ByteBufUtil.hexDump(frame), ByteBufUtil.hexDump(wireWriteBefore()));
        checkPipeline("pipeline", channel, frame);
        checkPipeline("pipelineBefore", channelBefore, frame);
    }

    private void checkPipeline(String benchmark, EmbeddedChannel written, byte[] frame) {
        written.writeOutbound(batch);
        ByteBuf bytes = ByteBufAllocator.DEFAULT.heapBuffer();
        for (Object msg; (msg = written.readOutbound()) != null; ) {
            bytes.writeBytes((ByteBuf) msg);
            ReferenceCountUtil.release(msg);
        }
        try {
            BenchChecks.same(benchmark, frame.length + 4, bytes.readableBytes());
            BenchChecks.same(benchmark, ByteBufUtil.hexDump(frame), ByteBufUtil.hexDump(bytes, 4, frame.length));
        } finally {
            bytes.release();
        }
    }

    @TearDown
    public void tearDown() {
        channel.finishAndReleaseAll();
        channelBefore.finishAndReleaseAll();
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
        return writeThrough(channel);
    }

    @Benchmark
    public ByteBuf wireWriteBefore() {
        out.clear();
        OldHotPaths.writeBatch(out, batch);
        return out;
    }

    @Benchmark
    public int pipelineBefore() {
        return writeThrough(channelBefore);
    }

    private int writeThrough(EmbeddedChannel encoding) {
        encoding.writeOutbound(batch);
        int bytes = 0;
        for (Object msg; (msg = encoding.readOutbound()) != null; ) {
            bytes += ((ByteBuf) msg).readableBytes();
            ReferenceCountUtil.release(msg);
        }
        return bytes;
    }
}
