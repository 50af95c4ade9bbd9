package lottery.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import lottery.protocol.codec.Wire;
import lottery.protocol.message.Batch;
import lottery.protocol.message.BatchBytes;
import lottery.server.store.BetCsv;
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
 * The server's whole per-bet work on a BATCH, from the frame's bytes (in a pooled direct buffer, as a socket reads
 * them) to the bytes of its rows in the bets file, i.e. what the event loop decodes plus what the lottery thread
 * encodes before its one write. Figures are per bet ({@code @OperationsPerInvocation}).
 *
 * <ul>
 * <li>{@code bytes}: the server's path since issue 22: {@link Wire#readBatchBytes} checks the bets in the frame's
 *     bytes and keeps them ({@link BatchBytes}, one array per batch), {@link BetCsv.Rows#encode(int, BatchBytes)}
 *     turns them into rows byte to byte.
 * <li>{@code objects}: the same-run baseline, the path before it: {@link Wire#read} to a {@link Batch} (three
 *     Strings, a LocalDate and a Bet per bet), then {@link BetCsv.Rows#encode(int, java.util.List)} from them.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(BenchBets.BETS_PER_BATCH)
public class IngestPathBenchmark {
    private ByteBuf frame;
    private final BetCsv.Rows rows = new BetCsv.Rows();

    @Setup
    public void setUp() {
        byte[] bytes = BenchBets.frame(BenchBets.fullBatch());
        frame = ByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
        byte[] fromBytes = copy(bytes());
        byte[] fromObjects = copy(objects());
        if (!Arrays.equals(fromBytes, fromObjects)) {
            throw new IllegalStateException("bytes and objects encode different rows");
        }
    }

    @TearDown
    public void tearDown() {
        frame.release();
    }

    @Benchmark
    public ByteBuffer bytes() {
        frame.readerIndex(0);
        return rows.encode(BenchBets.AGENCY, (BatchBytes) Wire.readBatchBytes(frame));
    }

    @Benchmark
    public ByteBuffer objects() {
        frame.readerIndex(0);
        return rows.encode(BenchBets.AGENCY, ((Batch) Wire.read(frame)).bets());
    }

    private static byte[] copy(ByteBuffer rows) {
        return Arrays.copyOfRange(rows.array(), 0, rows.limit());
    }
}
