package lottery.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import lottery.protocol.message.Bet;
import lottery.server.store.BetStore;
import lottery.server.store.DrawResult;
import lottery.server.store.StoredBet;
import lottery.server.store.csv.CsvBetStore;

/**
 * One timed pass over a bets file, for {@code tools/bench/draw.sh}; run it in a fresh JVM per pass, as the server runs
 * its draw once per start (the clock runs around the draw call only; the store is opened before, as at a start):
 * <pre>
 *   java -Xmx256m -cp lottery-bench/target/lottery-bench.jar lottery.bench.DrawBench MODE BETS.csv [WINNERS]
 * </pre>
 * MODE is {@code draw} (the server's draw: {@link CsvBetStore#draw}), {@code jackson} (the draw before it:
 * {@link OldHotPaths#forEachBet}, a Jackson row and a {@link StoredBet} per bet, then {@code has_won}) or {@code read}
 * (the file's bytes read through the draw's 256 KiB buffer and nothing done: the ceiling of any draw). Prints one
 * line {@code mode=... seconds=... cpu_seconds=... bets=... winners=...} (cpu_seconds: the process's CPU time during
 * the pass, every thread, JIT compilers included: less at the mercy of other processes than the wall time); with
 * WINNERS, writes the winners as {@code agency,document} lines, agencies ascending, each agency's in file order (the
 * format of lottery-loadgen's {@code BetsFileWriter}).
 */
public final class DrawBench {
    private DrawBench() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = System.out;
        if (args.length < 2 || args.length > 3 || !List.of("draw", "jackson", "read").contains(args[0])) {
            System.err.println("usage: DrawBench draw|jackson|read BETS.csv [WINNERS_OUT]");
            System.exit(2);
        }
        Path file = Path.of(args[1]);
        DrawResult result;
        long bytes = -1;
        long nanos;
        long cpu;
        if (args[0].equals("read")) {
            long cpuStart = cpuNanos();
            long start = System.nanoTime();
            bytes = readAll(file);
            nanos = System.nanoTime() - start;
            cpu = cpuNanos() - cpuStart;
            result = null;
        } else {
            // The store is opened (its classes loaded, as at a server's start) before the clock starts.
            try (CsvBetStore store = CsvBetStore.open(file, false)) {
                BetStore drawn = args[0].equals("draw") ? store : jackson(file);
                long cpuStart = cpuNanos();
                long start = System.nanoTime();
                result = drawn.draw();
                nanos = System.nanoTime() - start;
                cpu = cpuNanos() - cpuStart;
            }
        }
        double seconds = nanos / 1e9;
        if (result == null) {
            out.printf("mode=read seconds=%.3f cpu_seconds=%.3f bytes=%d%n", seconds, cpu / 1e9, bytes);
            return;
        }
        out.printf("mode=%s seconds=%.3f cpu_seconds=%.3f bets=%d winners=%d%n", args[0], seconds, cpu / 1e9,
                result.bets(), result.winnerCount());
        if (args.length == 3) {
            try (Writer writer = Files.newBufferedWriter(Path.of(args[2]), StandardCharsets.UTF_8)) {
                for (Map.Entry<Integer, List<String>> entry : new TreeMap<>(result.winners()).entrySet()) {
                    for (String document : entry.getValue()) {
                        writer.write(entry.getKey() + "," + document + "\n");
                    }
                }
            }
        }
    }

    /**
     * The bets file read with Jackson ({@link OldHotPaths#forEachBet}) behind {@link BetStore#forEach}: the draw of
     * {@link BetStore}'s default over it is the draw as it was.
     */
    private static BetStore jackson(Path file) {
        return new BetStore() {
            @Override
            public void append(int agency, List<Bet> bets) {
                throw new UnsupportedOperationException("read only");
            }

            @Override
            public void forEach(Consumer<? super StoredBet> action) throws IOException {
                OldHotPaths.forEachBet(file, action);
            }

            @Override
            public void close() {
            }
        };
    }

    /** CPU time of the whole process (every thread: the scans and the JIT compilers), or -1 when unknown. */
    private static long cpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean
                ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : -1;
    }

    /** Reads every byte of {@code file} through one heap buffer, as the draw does, and looks at none. */
    private static long readAll(Path file) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(256 << 10);
        long total = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            int read;
            while ((read = channel.read(buffer.clear())) >= 0) {
                total += read;
            }
        }
        return total;
    }
}
