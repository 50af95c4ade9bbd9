package lottery.bench;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import lottery.client.agency.BetFile;
import lottery.client.agency.BetFileException;
import lottery.client.agency.BetParser;
import lottery.protocol.codec.Wire;
import lottery.protocol.message.BatchBytes;
import lottery.protocol.message.Bet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The client's side of an agency file: CSV rows to the wire bytes of their bets, per row
 * ({@code @OperationsPerInvocation}).
 * The file is {@link #ROWS} of the benchmark's synthetic bets in the course files' format (UTF-8, CRLF, no header,
 * first_name,last_name,document,birthdate,number; a name with a comma or a double quote is quoted), written to a
 * temporary file (so in the page cache) by the setup.
 *
 * <ul>
 * <li>{@code betFile}: {@link BetFile} opens the file, streams every row as its bet's wire bytes and closes it: what
 * the client runs.
 * <li>{@code jacksonRows}: the same rows as the client read them before (Jackson's CSV parser, a {@link Bet} per
 * row, then its wire bytes): the same-run baseline.
 * <li>{@code betParser}: only {@link BetParser#parse} on the five fields of each row, already split.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(BetFileBenchmark.ROWS)
public class BetFileBenchmark {
    static final int ROWS = 10_000;
    private static final CsvFactory CSV = new CsvFactory();

    /**
     * {@code mixed}: the benchmark's synthetic bets as they are (about one row in six holds a comma or a double quote
     * in a name, so is quoted and read by Jackson); {@code plain}: the same bets without commas and double quotes in
     * their names, like the course's files (no row quoted).
     */
    @Param({"mixed", "plain"})
    public String rows;

    private List<Bet> bets;
    private String[][] fields;
    private Path file;

    @Setup
    public void setUp() throws IOException, BetFileException {
        bets = BenchBets.bets(ROWS);
        if (rows.equals("plain")) {
            bets = bets.stream().map(b -> new Bet(unquotable(b.firstName()), unquotable(b.lastName()), b.document(),
                    b.birthdate(), b.number())).toList();
        }
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
            for (int size; (size = betFile.next()) >= 0; ) {
                read.add(BatchBytes.copyOf(1, 1, ByteBuffer.wrap(betFile.bet(), 0, size)).bets().get(0));
            }
        }
        BenchChecks.same("betFile", bets, read);
        List<Bet> jackson = new ArrayList<>(ROWS);
        jacksonRows(jackson::add);
        BenchChecks.same("jacksonRows", bets, jackson);
        List<Bet> parsed = new ArrayList<>(ROWS);
        for (String[] row : fields) {
            parsed.add(BetParser.parse(row[0], row[1], row[2], row[3], row[4]));
        }
        BenchChecks.same("betParser", bets, parsed);
    }

    private static String unquotable(String name) {
        return name.replace("\"", "").replace(",", "");
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
            for (int size; (size = betFile.next()) >= 0; ) {
                blackhole.consume(betFile.bet()[size - 1]);
                count++;
            }
        }
        return count;
    }

    /**
     * The baseline: the client's reading before issue 22, Jackson's CSV parser over a strict UTF-8 reader, each row's
     * fields through {@link BetParser} into a {@link Bet}, and the bet's wire bytes (the encoder's later work).
     */
    @Benchmark
    public int jacksonRows(Blackhole blackhole) throws IOException {
        byte[] wire = new byte[Wire.MAX_BET_BYTES];
        return jacksonRows(bet -> blackhole.consume(Wire.putBet(wire, 0, bet)));
    }

    private int jacksonRows(Consumer<Bet> sink) throws IOException {
        int count = 0;
        try (Reader reader = new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8.newDecoder());
                CsvParser parser = CSV.createParser(reader)) {
            parser.setSchema(CsvSchema.emptySchema());
            List<String> row = new ArrayList<>(BetParser.COLUMNS);
            for (JsonToken token = parser.nextToken(); token == JsonToken.START_ARRAY; token = parser.nextToken()) {
                row.clear();
                while (parser.nextToken() == JsonToken.VALUE_STRING) {
                    row.add(parser.getText());
                }
                sink.accept(BetParser.parse(row.get(0), row.get(1), row.get(2), row.get(3), row.get(4)));
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
