package lottery.loadgen;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lottery.protocol.message.Bet;

/**
 * Writes a bets file as the server would have stored it, without a server: {@code rows} synthetic bets of
 * {@link BetPlan} in the server's row format ({@link CsvRows}), agencies 1..{@code agencies} taking turns in batches
 * of {@value #BATCH} bets, as concurrent agencies' batches land in the file. Beside it, the winners the draw must find:
 * one {@code agency,document} line per winning bet, agencies ascending, each agency's in file order.
 *
 * <p>Deterministic: the same arguments give the same bytes. For the draw benchmark ({@code tools/bench/draw.sh}):
 * <pre>
 *   java -cp lottery-loadgen/target/lottery-loadgen.jar lottery.loadgen.BetsFileWriter OUT.csv WINNERS.txt \
 *       [ROWS=10000000] [AGENCIES=20] [SEED=1] [WINNER_PERMILLE=5]
 * </pre>
 */
public final class BetsFileWriter {
    /** Bets an agency writes before the next agency's turn. */
    static final int BATCH = 100;

    private BetsFileWriter() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 6) {
            System.err.println("usage: BetsFileWriter OUT.csv WINNERS.txt [ROWS=10000000] [AGENCIES=20] [SEED=1]"
                    + " [WINNER_PERMILLE=5]");
            System.exit(2);
        }
        long rows = args.length > 2 ? Long.parseLong(args[2]) : 10_000_000L;
        int agencies = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        long seed = args.length > 4 ? Long.parseLong(args[4]) : 1;
        int permille = args.length > 5 ? Integer.parseInt(args[5]) : 5;
        long start = System.nanoTime();
        List<List<String>> winners;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(Path.of(args[0])), 1 << 20)) {
            winners = write(out, rows, agencies, seed, permille);
        }
        long count = 0;
        try (Writer out = new BufferedWriter(Files.newBufferedWriter(Path.of(args[1]), StandardCharsets.UTF_8))) {
            count = writeWinners(out, winners);
        }
        PrintStream stdout = System.out;
        stdout.printf("generated rows=%d agencies=%d seed=%d winner_permille=%d winners=%d bytes=%d seconds=%.1f%n",
                rows, agencies, seed, permille, count, Files.size(Path.of(args[0])),
                (System.nanoTime() - start) / 1e9);
    }

    /**
     * Writes the rows to {@code out}.
     *
     * @return the documents of the winners, per agency (index agency - 1), in file order
     */
    static List<List<String>> write(OutputStream out, long rows, int agencies, long seed, int winnerPermille)
            throws IOException {
        if (agencies < 1 || agencies > 65535) {
            throw new IllegalArgumentException("agencies " + agencies + " is not in 1..65535");
        }
        if (rows < 0 || (rows + agencies - 1) / agencies > BetPlan.DOCUMENT_BASE) {
            throw new IllegalArgumentException(rows + " rows over " + agencies + " agencies: more than "
                    + BetPlan.DOCUMENT_BASE + " per agency (documents would repeat); use more agencies");
        }
        int[] share = new int[agencies];
        for (int a = 0; a < agencies; a++) {
            share[a] = (int) (rows / agencies + (a < rows % agencies ? 1 : 0));
        }
        List<List<String>> winners = new ArrayList<>();
        for (int a = 0; a < agencies; a++) {
            winners.add(new ArrayList<>());
        }
        int[] next = new int[agencies];
        StringBuilder batch = new StringBuilder(BATCH * 80);
        long written = 0;
        while (written < rows) {
            for (int a = 0; a < agencies; a++) {
                int agency = a + 1;
                int to = Math.min(share[a], next[a] + BATCH);
                batch.setLength(0);
                for (int index = next[a]; index < to; index++) {
                    Bet bet = BetPlan.bet(seed, agency, index, winnerPermille);
                    CsvRows.appendRow(batch, agency, bet);
                    if (bet.number() == BetPlan.WINNING_NUMBER) {
                        winners.get(a).add(bet.document());
                    }
                }
                written += to - next[a];
                next[a] = to;
                out.write(batch.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        return winners;
    }

    /** Writes {@code agency,document} lines, agencies ascending; returns how many. */
    static long writeWinners(Writer out, List<List<String>> winners) throws IOException {
        long count = 0;
        for (int a = 0; a < winners.size(); a++) {
            for (String document : winners.get(a)) {
                out.write((a + 1) + "," + document + "\n");
                count++;
            }
        }
        return count;
    }
}
