package lottery.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lottery.client.agency.BetFile;
import lottery.client.agency.BetFileException;
import lottery.client.agency.BetParser;
import lottery.protocol.message.Bet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The client's side of an agency file: CSV rows to {@link Bet} records, per row ({@code @OperationsPerInvocation}).
 * The file is {@link #ROWS} of the benchmark's synthetic bets in the course files' format (UTF-8, CRLF, no header,
 * first_name,last_name,document,birthdate,number; a name with a comma or a double quote is quoted), written to a
 * temporary file (so in the page cache) by the setup.
 *
 * <ul>
 * <li>{@code betFile}: {@link BetFile} opens the file, streams every row and closes it: what the client runs.
 * <li>{@code betParser}: only {@link BetParser#parse} on the five fields of each row, already split.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(BetFileBenchmark.ROWS)
public class BetFileBenchmark {
    static final int ROWS = 10_000;

    private List<Bet> bets;
    private String[][] fields;
    private Path file;

    @Setup
    public void setUp() throws IOException, BetFileException {
        bets = BenchBets.bets(ROWS);
        fields = new String[ROWS][];
        StringBuilder csv = new StringBuilder(ROWS * 48);
        for (int i = 0; i < ROWS; i++) {
            Bet bet = bets.get(i);
            fields[i] = new String[] {bet.firstName(), bet.lastName(), bet.document(), bet.birthdate().toString(),
                Integer.toString(bet.number())};
            for (int f = 0; f < fields[i].length; f++) {
                csv.append(f == 0 ? "" : ",").append(quoted(fields[i][f]));
            }
            csv.append("\r\n");
        }
        file = Files.createTempFile("lottery-bench-agency-", ".csv");
        Files.writeString(file, csv, StandardCharsets.UTF_8);
        List<Bet> read = new ArrayList<>(ROWS);
        try (BetFile betFile = BetFile.open(file, 1)) {
            for (Bet bet; (bet = betFile.next()) != null; ) {
                read.add(bet);
            }
        }
        BenchChecks.same("betFile", bets, read);
        List<Bet> parsed = new ArrayList<>(ROWS);
        for (String[] row : fields) {
            parsed.add(BetParser.parse(row[0], row[1], row[2], row[3], row[4]));
        }
        BenchChecks.same("betParser", bets, parsed);
    }

    /** RFC 4180 quoting, as a spreadsheet or Python's csv module writes a field. */
    private static String quoted(String field) {
        if (field.contains(",") || field.contains("\"")) {
            return '"' + field.replace("\"", "\"\"") + '"';
        }
        return field;
    }

    @TearDown
    public void tearDown() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Benchmark
    public int betFile(Blackhole blackhole) throws BetFileException {
        int count = 0;
        try (BetFile betFile = BetFile.open(file, 1)) {
            for (Bet bet; (bet = betFile.next()) != null; ) {
                blackhole.consume(bet);
                count++;
            }
        }
        return count;
    }

    @Benchmark
    public void betParser(Blackhole blackhole) {
        for (String[] row : fields) {
            blackhole.consume(BetParser.parse(row[0], row[1], row[2], row[3], row[4]));
        }
    }
}
