package lottery.server.store.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import lottery.protocol.message.Bet;
import lottery.server.store.BetStore;
import lottery.server.store.DrawResult;
import lottery.server.store.StoredBet;
import lottery.server.store.csv.BetFileScanner.CorruptRowException;
import lottery.server.support.Bets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The byte-level scanner, the server's one reader of the bets file ({@link CsvBetStore#forEach} and the draw), reads
 * what an independent reader, Jackson's CSV parser ({@link JacksonBetFile}), reads and fails where it fails: every
 * case runs with buffers from 1 byte (every row split across reads) to the default, and in several ranges at once.
 */
class BetFileScannerTest {
    private static final int[] BUFFERS = {1, 2, 3, 5, 8, 13, 64, BetFileScanner.DEFAULT_BUFFER_BYTES};

    @TempDir
    Path dir;

    private int files;

    private Path write(String content) throws IOException {
        return write(content.getBytes(StandardCharsets.UTF_8));
    }

    private Path write(byte[] content) throws IOException {
        Path file = dir.resolve("bets-" + files++ + ".csv");
        Files.write(file, content);
        return file;
    }

    /** Every row the scanner gives, as StoredBets. */
    private static List<StoredBet> scan(Path file, int bufferBytes) throws IOException, CorruptRowException {
        List<StoredBet> rows = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            BetFileScanner scanner = new BetFileScanner(channel, 0, channel.size(), bufferBytes, () -> false);
            assertThat(scanner.scan(Long.MAX_VALUE, row -> rows.add(row.toStoredBet())))
                    .isEqualTo(BetFileScanner.Stop.END);
            assertThat(scanner.rows()).isEqualTo(rows.size());
        }
        return rows;
    }

    private static List<StoredBet> jackson(Path file) throws IOException {
        return JacksonBetFile.read(file);
    }

    /** The draw computed from the Jackson rows (BetStore's default draw). */
    private static DrawResult jacksonDraw(Path file) throws IOException {
        List<StoredBet> rows = jackson(file);
        BetStore store = new BetStore() {
            @Override
            public void append(int agency, List<Bet> bets) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void forEach(java.util.function.Consumer<? super StoredBet> action) {
                rows.forEach(action);
            }

            @Override
            public void close() {
            }
        };
        return store.draw();
    }

    /** What the store's {@link CsvBetStore#forEach} gives (the scanner with its default buffer). */
    private static List<StoredBet> loadBets(Path file) throws IOException {
        try (CsvBetStore store = CsvBetStore.open(file, false)) {
            return store.loadBets();
        }
    }

    private static DrawResult draw(Path file, int ranges, int bufferBytes) throws IOException, CorruptRowException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return BetFileDraw.draw(channel, ranges, bufferBytes);
        }
    }

    /** Scanner and Jackson agree on the rows, with every buffer size and split. */
    private void assertSameAsJackson(String content, int expectedRows) throws Exception {
        Path file = write(content);
        List<StoredBet> expected = jackson(file);
        assertThat(expected).hasSize(expectedRows);
        DrawResult expectedDraw = jacksonDraw(file);
        assertThat(loadBets(file)).as("CsvBetStore.forEach").containsExactlyElementsOf(expected);
        for (int buffer : BUFFERS) {
            assertThat(scan(file, buffer)).as("buffer %d", buffer).containsExactlyElementsOf(expected);
            for (int ranges = 1; ranges <= 4; ranges++) {
                assertThat(draw(file, ranges, buffer)).as("buffer %d, %d ranges", buffer, ranges)
                        .isEqualTo(expectedDraw);
            }
        }
    }

    /** Scanner and Jackson both refuse the file; the scanner names {@code message}, whatever the buffer. */
    private void assertBothFail(String content, String message) throws Exception {
        assertBothFail(content.getBytes(StandardCharsets.UTF_8), message);
    }

    private void assertBothFail(byte[] content, String message) throws Exception {
        Path file = write(content);
        assertThatThrownBy(() -> jackson(file)).as("the Jackson path").isInstanceOf(IOException.class);
        assertThatThrownBy(() -> loadBets(file)).as("CsvBetStore.forEach").isInstanceOf(IOException.class)
                .hasMessageStartingWith("the bets file " + file + " is corrupt: ").hasMessageContaining(message);
        for (int buffer : BUFFERS) {
            assertThatThrownBy(() -> scan(file, buffer)).as("buffer %d", buffer)
                    .isInstanceOf(CorruptRowException.class).hasMessageContaining(message);
            for (int r = 1; r <= 3; r++) {
                int ranges = r;
                assertThatThrownBy(() -> draw(file, ranges, buffer)).as("buffer %d, %d ranges", buffer, ranges)
                        .isInstanceOf(CorruptRowException.class).hasMessageContaining(message);
            }
        }
    }

    @Test
    void readsTheRowsTheServerWritesQuotedOrNot() throws Exception {
        assertSameAsJackson("3,Santiago Lionel,Lorca,30904465,1999-03-17,7574\r\n"
                + "3,\"María \"\"Mery\"\"\",\"Saldaña, Jr\",1,0987-12-01,0\r\n"
                + "12,\"\"\"\",\",\",\"7\",2000-02-29,\"7574\"\r\n"
                + "1,Zoë 😀,Ünal ' Çelik,12345678901234567890,9999-12-31,9999\r\n", 4);
    }

    @Test
    void quotedFieldsMayHoldLineBreaksAndRowsEndWithCrLfLfOrCr() throws Exception {
        assertSameAsJackson("1,\"two\nlines\",\"cr\rhere\",7,2001-01-01,7574\r\n"
                + "1,\"\",x,8,2001-01-02,1\n"
                + "2,a,\"b\r\n\",9,2001-01-03,7574\r"
                + "2,a,b,10,2001-01-04,7574", 4);
    }

    @Test
    void emptyLinesAreSkippedAndNotCounted() throws Exception {
        assertSameAsJackson("\r\n\r\n1,a,b,1,2000-01-01,7574\r\n\n\r\r\n1,a,b,2,2000-01-01,5\r\n\r\n", 2);
        assertBothFail("\r\n1,a,b,1,2000-01-01,5\r\n\n\n1,a,b,2,2000-13-01,5\r\n", "row 2: Text '2000-13-01'");
    }

    @Test
    void anEmptyFileHasNoBetsAndNoWinners() throws Exception {
        assertSameAsJackson("", 0);
        Path file = write("");
        assertThat(draw(file, 2, 8)).isEqualTo(new DrawResult(0, Map.of()));
    }

    @Test
    void numbersAndDatesAcceptWhatParseIntAndLocalDateAccept() throws Exception {
        assertSameAsJackson("+1,a,b,1,2000-01-01,07574\r\n"
                + "0001,a,b,2,0000-02-29,+7574\r\n"
                + "-3,a,b,3,+12345-01-01,-7574\r\n"
                + "2147483647,a,b,4,1900-02-28,1234567890\r\n", 4);
    }

    @Test
    void aRowWithoutSixFieldsFailsNamingTheRowAndTheCount() throws Exception {
        assertBothFail("1,a,b,1,2000-01-01,5\r\n1,a,b,1,2000-01-01\r\n", "row 2 has 5 fields, not 6");
        assertBothFail("1,a,b,1,2000-01-01,5,\r\n", "row 1 has 7 fields, not 6");
        assertBothFail("1,a,\"b,c\",1,2000-01-01\r\n", "row 1 has 5 fields, not 6");
    }

    @Test
    void badIntegersAndDatesFailWithTheOldMessages() throws Exception {
        assertBothFail("1,a,b,1,2000-01-01,5\r\nx,a,b,1,2000-01-01,5\r\n", "row 2: For input string: \"x\"");
        assertBothFail("1,a,b,1,2000-01-01,75 74\r\n", "row 1: For input string: \"75 74\"");
        assertBothFail("1,a,b,1,2000-01-01,2147483648\r\n", "row 1: For input string: \"2147483648\"");
        assertBothFail("1,a,b,1,2001-02-29,5\r\n", "row 1: Text '2001-02-29' could not be parsed");
        assertBothFail("1,a,b,1,2000|01|01,5\r\n", "row 1: Text '2000|01|01' could not be parsed at index 4");
        assertBothFail("1,a,b,1,,5\r\n", "row 1: Text '' could not be parsed");
    }

    @Test
    void aTornRowInsideQuotesIsCorrupt() throws Exception {
        assertBothFail("1,a,b,1,2000-01-01,5\r\n1,\"a,b,1,2000-01-01,5\r\n", "row 2: a quoted field is not closed");
    }

    @Test
    void aTornLastRowWithoutItsLineEndIsReadAsItIs() throws Exception {
        // The round log cuts such a tail off on restart; without it the Jackson path reads what is there too.
        assertSameAsJackson("1,a,b,1,2000-01-01,5\r\n1,a,b,2,2000-01-01,75", 2);
        assertBothFail("1,a,b,1,2000-01-01,5\r\n1,a,b,2,2000-0", "row 2 has 5 fields, not 6");
        assertBothFail("1,a,b,1,2000-01-01,5\r\n1,a,b,2,2000-0,7", "row 2: Text '2000-0'");
    }

    @Test
    void invalidUtf8IsCorrupt() throws Exception {
        byte[] good = "1,a,b,1,2000-01-01,5\r\n".getBytes(StandardCharsets.UTF_8);
        // A lone lead byte, 0xFF, an overlong NUL, a surrogate, above U+10FFFF, a sequence cut short.
        for (byte[] bad : List.of(new byte[] {(byte) 0xC3}, new byte[] {(byte) 0xFF},
                new byte[] {(byte) 0xC0, (byte) 0x80}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
                new byte[] {(byte) 0xE2, (byte) 0x82})) {
            byte[] row = "1,a".getBytes(StandardCharsets.UTF_8);
            byte[] rest = ",b,1,2000-01-01,5\r\n".getBytes(StandardCharsets.UTF_8);
            byte[] content = new byte[good.length + row.length + bad.length + rest.length];
            System.arraycopy(good, 0, content, 0, good.length);
            System.arraycopy(row, 0, content, good.length, row.length);
            System.arraycopy(bad, 0, content, good.length + row.length, bad.length);
            System.arraycopy(rest, 0, content, good.length + row.length + bad.length, rest.length);
            assertBothFail(content, "row 2: not UTF-8 text");
        }
    }

    @Test
    void aQuoteInsideAnUnquotedFieldIsText() throws Exception {
        assertSameAsJackson("1,ab\"cdefghijk\"lm,O'Brien \"x\",1,2000-01-01,7574\r\n", 1);
    }

    @Test
    void longAsciiAndMultiByteRunsAreReadWordByWord() throws Exception {
        // Fields longer than the eight bytes the scanner reads at once, with the delimiters at every offset.
        StringBuilder content = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            content.append(i % 3 + 1).append(',').append("x".repeat(i)).append("ñ😀").append(',')
                    .append("Ünal".repeat(i % 9)).append(',').append(i).append(",2000-01-0").append(i % 9 + 1)
                    .append(',').append(i % 2 == 0 ? 7574 : i).append(i % 4 == 0 ? "\n" : "\r\n");
        }
        assertSameAsJackson(content.toString(), 40);
    }

    @Test
    void textAfterAClosingQuoteIsCorrupt() throws Exception {
        Path file = write("1,\"a\"b,c,1,2000-01-01,5\r\n");
        assertThatThrownBy(() -> scan(file, 4)).hasMessage(
                "row 1: a quoted field is followed by 'b', not a comma or a line end");
    }

    @Test
    void aCorruptRowInALaterRangeIsNamedByItsRowInTheWholeFile() throws Exception {
        StringBuilder content = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            content.append("1,a,b,").append(i).append(",2000-01-01,").append(i == 900 ? "x" : "5").append("\r\n");
        }
        Path file = write(content.toString());
        for (int r = 1; r <= 4; r++) {
            int ranges = r;
            assertThatThrownBy(() -> draw(file, ranges, 64)).hasMessage("row 901: For input string: \"x\"");
        }
    }

    @Test
    void aSplitInsideAQuotedLineBreakFallsBackToOneRange() throws Exception {
        // Rows whose names are mostly line breaks: whatever LF a split lands on, it is likely inside quotes.
        StringBuilder content = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            content.append(i % 5 + 1).append(",\"").append("\n".repeat(i % 50)).append(i).append("\",b,")
                    .append(i).append(",2000-01-01,").append(i % 3 == 0 ? 7574 : 1).append("\r\n");
        }
        assertSameAsJackson(content.toString(), 200);
    }

    @Test
    void theDrawFindsTheWinnersTheJacksonPathFindsOnAGeneratedFile() throws Exception {
        Random random = new Random(11);
        Path file = dir.resolve("generated.csv");
        Map<Integer, Integer> next = new HashMap<>();
        try (CsvBetStore store = CsvBetStore.open(file, false)) {
            for (int batch = 0; batch < 400; batch++) {
                int agency = 1 + random.nextInt(9);
                int from = next.getOrDefault(agency, 0);
                int count = 1 + random.nextInt(120);
                store.append(agency, Bets.range(agency, from, from + count));
                next.put(agency, from + count);
            }
        }
        DrawResult expected = jacksonDraw(file);
        assertThat(expected.winnerCount()).isGreaterThan(1000);
        for (int buffer : new int[] {7, 100, 4096, BetFileScanner.DEFAULT_BUFFER_BYTES}) {
            for (int ranges = 1; ranges <= 4; ranges++) {
                assertThat(draw(file, ranges, buffer)).as("buffer %d, %d ranges", buffer, ranges)
                        .isEqualTo(expected);
            }
        }
        try (CsvBetStore store = CsvBetStore.open(file, false)) {
            assertThat(store.draw()).isEqualTo(expected);
        }
    }

    @Test
    void theRowsTheServerWritesAllTakeTheFastPath() throws Exception {
        Path file = dir.resolve("fast.csv");
        try (CsvBetStore store = CsvBetStore.open(file, false)) {
            store.append(1, Bets.range(1, 0, 500)); // names with commas, quotes, accents and emoji
        }
        Files.writeString(file, "2,a,\"line\nbreak\",1,2000-01-01,7574\r\n+3,a,b,1,2000-01-01,1\r\n",
                StandardOpenOption.APPEND);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            BetFileScanner scanner = new BetFileScanner(channel, 0, channel.size(), 4096, () -> false);
            scanner.scan(Long.MAX_VALUE, row -> { });
            assertThat(scanner.rows()).isEqualTo(502);
            assertThat(scanner.generalRows()).as("rows left to the general parse").isEqualTo(2);
        }
    }

    @Test
    void theStoreNamesTheFileAndTheRowWhenTheDrawFindsACorruptRow() throws Exception {
        Path file = write("1,a,b,1,2000-01-01,5\r\n1,a,b,2,2000-13-01,5\r\n");
        try (CsvBetStore store = CsvBetStore.open(file, false)) {
            assertThatThrownBy(store::draw).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("the bets file " + file + " is corrupt: row 2: Text '2000-13-01'");
        }
    }

    @Test
    void aRowLongerThanTheBufferGrowsIt() throws Exception {
        String name = "é".repeat(5000);
        assertSameAsJackson("1," + name + ",\"" + name + ",\"\"\",1,2000-01-01,7574\r\n", 1);
        assertThat(jackson(write("1," + name + ",b,1,2000-01-01,7574\r\n")).get(0).birthdate())
                .isEqualTo(LocalDate.of(2000, 1, 1));
    }
}
