package lottery.server.lottery;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lottery.bench.BenchBets;
import lottery.protocol.message.Bet;
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
 * write, i.e. the bytes of {@link BetCsv}'s rows. In lottery-server's package because BetCsv is package-private
 * (split packages are fine on the class path). Figures are per bet ({@code @OperationsPerInvocation}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(BenchBets.BETS_PER_BATCH)
public class BetCsvBenchmark {
    private List<Bet> bets;

    @Setup
    public void setUp() {
        bets = BenchBets.fullBatch().bets();
    }

    @Benchmark
    public byte[] rows() {
        return BetCsv.rows(BenchBets.AGENCY, bets).getBytes(StandardCharsets.UTF_8);
    }
}
