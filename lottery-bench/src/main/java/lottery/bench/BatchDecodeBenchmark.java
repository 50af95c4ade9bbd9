package lottery.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import lottery.protocol.codec.LotteryFrameDecoder;
import lottery.protocol.codec.LotteryPipeline;
import lottery.protocol.codec.Wire;
import lottery.protocol.message.Batch;
import lottery.protocol.message.LotteryMessage;
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
 * The server's side of a full BATCH (263 bets, 8187 bytes): bytes to a {@link Batch} record. Every figure is per
 * bet ({@code @OperationsPerInvocation}): divide nothing, multiply by 263 for a batch.
 *
 * <ul>
 * <li>{@code wireReadHeap}: {@link Wire#read} on a heap buffer holding the frame (type byte and body).
 * <li>{@code wireReadDirect}: the same on a pooled direct buffer, the memory a server socket reads into.
 * <li>{@code pipeline}: the server's real inbound path: the length-prefixed frame in a pooled direct buffer through
 *     {@link LotteryPipeline}'s handlers (frame decoder, then message decoder) on an EmbeddedChannel.
 * </ul>
 *
 * <p>Each has a {@code ...Before} twin running the code as it was before issue 11 ({@link OldHotPaths}) on the
 * same bytes, as the same-run baseline.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(BenchBets.BETS_PER_BATCH)
public class BatchDecodeBenchmark {
    private Batch batch;
    private ByteBuf heapFrame;
    private ByteBuf directFrame;
    private ByteBuf prefixedFrame;
    private EmbeddedChannel channel;
    private EmbeddedChannel channelBefore;

    @Setup
    public void setUp() {
        batch = BenchBets.fullBatch();
        byte[] frame = BenchBets.frame(batch);
        heapFrame = Unpooled.wrappedBuffer(frame);
        directFrame = ByteBufAllocator.DEFAULT.directBuffer(frame.length).writeBytes(frame);
        prefixedFrame = ByteBufAllocator.DEFAULT.directBuffer(frame.length + 4).writeInt(frame.length)
                .writeBytes(frame);
        channel = new EmbeddedChannel();
        LotteryPipeline.addLast(channel.pipeline());
        channelBefore = new EmbeddedChannel(new LotteryFrameDecoder(), new OldHotPaths.Decoder());
        BenchChecks.same("wireReadHeap", batch, wireReadHeap());
        BenchChecks.same("wireReadDirect", batch, wireReadDirect());
        BenchChecks.same("pipeline", batch, pipeline());
        BenchChecks.same("wireReadHeapBefore", batch, wireReadHeapBefore());
        BenchChecks.same("wireReadDirectBefore", batch, wireReadDirectBefore());
        BenchChecks.same("pipelineBefore", batch, pipelineBefore());
    }

    @TearDown
    public void tearDown() {
        channel.finishAndReleaseAll();
        channelBefore.finishAndReleaseAll();
        directFrame.release();
        prefixedFrame.release();
    }

    @Benchmark
    public LotteryMessage wireReadHeap() {
        heapFrame.readerIndex(0);
        return Wire.read(heapFrame);
    }

    @Benchmark
    public LotteryMessage wireReadDirect() {
        directFrame.readerIndex(0);
        return Wire.read(directFrame);
    }

    @Benchmark
    public Object pipeline() {
        channel.writeInbound(prefixedFrame.retainedDuplicate());
        return channel.readInbound();
    }

    @Benchmark
    public LotteryMessage wireReadHeapBefore() {
        heapFrame.readerIndex(0);
        return OldHotPaths.readBatch(heapFrame);
    }

    @Benchmark
    public LotteryMessage wireReadDirectBefore() {
        directFrame.readerIndex(0);
        return OldHotPaths.readBatch(directFrame);
    }

    @Benchmark
    public Object pipelineBefore() {
        channelBefore.writeInbound(prefixedFrame.retainedDuplicate());
        return channelBefore.readInbound();
    }
}
