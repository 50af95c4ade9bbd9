package lottery.bench;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lottery.protocol.message.Bet;
import lottery.server.store.BetCsv;
import lottery.server.store.csv.CsvBetStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The bets-file rows of a full batch (263 bets): what {@link CsvBetStore#append} builds before its one positional
 * write, i.e. the bytes of {@link BetCsv}'s rows. Figures are per bet ({@code @OperationsPerInvocation}).
 *
 * <ul>
 * <li>{@code rows}: {@link BetCsv.Rows#encode}, the rows' UTF-8 bytes encoded into the store's reused array.
 * <li>{@code rowsBefore}: the same-run baseline, the code before issue 11: a StringBuilder of text rows, its String,
 *     then {@code getBytes(UTF_8)}.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(BenchBets.BETS_PER_BATCH)
public class BetCsvBenchmark {
    private List<Bet> bets;
    private final BetCsv.Rows rows = new BetCsv.Rows();

    @Setup
    public void setUp() {
        bets = BenchBets.fullBatch().bets();
        ByteBuffer encoded = rows();
        byte[] now = Arrays.copyOfRange(encoded.array(), 0, encoded.limit());
        if (!Arrays.equals(now, rowsBefore())) {
            throw new IllegalStateException("rows and rowsBefore encode different bytes");
        }
    }

    @Benchmark
    public ByteBuffer rows() {
        return rows.encode(BenchBets.AGENCY, bets);
    }

    @Benchmark
    public byte[] rowsBefore() {
        return OldHotPaths.rows(BenchBets.AGENCY, bets);
    }
}
