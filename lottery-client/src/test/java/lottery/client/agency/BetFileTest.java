package lottery.client.agency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import lottery.protocol.codec.Wire;
import lottery.protocol.message.BatchBytes;
import lottery.protocol.message.Bet;
import lottery.testkit.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BetFileTest {
    @TempDir
    Path dir;

    private List<Bet> readAll(String content) throws Exception {
        Path file = Files.writeString(dir.resolve("bets.csv"), content, StandardCharsets.UTF_8);
        List<Bet> bets = new ArrayList<>();
        try (BetFile bets0 = BetFile.open(file, 1)) {
            for (int size = bets0.next(); size >= 0; size = bets0.next()) {
                bets.add(decode(bets0, size));
            }
            assertThat(bets0.percentRead()).isEqualTo(100);
        }
        return bets;
    }

    /** The bet whose wire bytes {@code file.next()} just put in {@code file.bet()}. */
    static Bet decode(BetFile file, int size) {
        return BatchBytes.copyOf(1, 1, ByteBuffer.wrap(file.bet(), 0, size)).bets().get(0);
    }

    private static Bet bet(String first, String last, int number) {
        return new Bet(first, last, "1", LocalDate.of(2000, 1, 1), number);
    }

    @Test
    void readsLfCrlfAndAMissingLastLineEnd() throws Exception {
        assertThat(readAll("A,B,1,2000-01-01,1\nC,D,1,2000-01-01,2\r\nE,F,1,2000-01-01,3"))
                .containsExactly(bet("A", "B", 1), bet("C", "D", 2), bet("E", "F", 3));
    }

    @Test
    void dropsAByteOrderMarkAndBlankLines() throws Exception {
        assertThat(readAll("\uFEFFA,B,1,2000-01-01,1\r\n\r\n\r\nC,D,1,2000-01-01,2\r\n\r\n"))
                .containsExactly(bet("A", "B", 1), bet("C", "D", 2));
    }

    @Test
    void quotedFieldsMayHoldSeparatorsQuotesAndLineBreaks() throws Exception {
        try (LogCapture logs = LogCapture.open(Level.DEBUG)) {
            assertThat(readAll("\"a,b\",\"say \"\"hi\"\"\",1,2000-01-01,1\n"
                    + "\"two\nlines\",X,1,2000-01-01,2\n"   // lines 2-3: a line break is a control character
                    + "bad,row\n"))                          // line 4
                    .containsExactly(bet("a,b", "say \"hi\"", 1));
            assertThat(logs.messagesStartingWith("action: read_bet")).containsExactly(
                    "action: read_bet | result: fail | client_id: 1 | line: 2 | reason: first name holds a control"
                            + " character",
                    "action: read_bet | result: fail | client_id: 1 | line: 4 | reason: 5 columns expected, found 2");
        }
    }

    @Test
    void countsInvalidLinesAndCleansTheirReasonForTheLog() throws Exception {
        Path file = Files.writeString(dir.resolve("bets.csv"),
                "A,B,1|2,2000-01-01,1\nA,B,1,2000-01-01,1,\nA,B,1,01/02/2000,1\n", StandardCharsets.UTF_8);
        try (LogCapture logs = LogCapture.open(Level.DEBUG); BetFile bets = BetFile.open(file, 4)) {
            assertThat(bets.next()).isEqualTo(-1);
            assertThat(bets.invalidLines()).isEqualTo(3);
            assertThat(logs.messagesStartingWith("action: read_bet")).containsExactly(
                    "action: read_bet | result: fail | client_id: 4 | line: 1 | reason: document '1/2' is not all"
                            + " digits",
                    "action: read_bet | result: fail | client_id: 4 | line: 2 | reason: 5 columns expected, found 6",
                    "action: read_bet | result: fail | client_id: 4 | line: 3 | reason: birthdate '01/02/2000' is"
                            + " not a date YYYY-MM-DD");
        }
    }

    @Test
    void anUnterminatedQuoteEndsTheReadingWithItsLine() throws Exception {
        Path file = Files.writeString(dir.resolve("bets.csv"), "A,B,1,2000-01-01,1\n\"C,D,1,2000-01-01,2\n");
        try (BetFile bets = BetFile.open(file, 1)) {
            assertThat(decode(bets, bets.next())).isEqualTo(bet("A", "B", 1));
            assertThatThrownBy(bets::next).isInstanceOf(BetFileException.class)
                    .hasMessageStartingWith(file + " line 3: Missing closing quote");
        }
    }

    @Test
    void aMissingFileCannotBeOpened() {
        assertThatThrownBy(() -> BetFile.open(dir.resolve("absent.csv"), 1))
                .isInstanceOf(BetFileException.class).hasMessageContaining("absent.csv cannot be opened");
    }

    @Test
    void anEmptyFileHasNoBets() throws Exception {
        assertThat(readAll("")).isEmpty();
    }

    /**
     * Generated rows of every shape the file may hold (plain ASCII, Latin-1 accents, other scripts, commas and quotes
     * in quoted names, long documents, leading zeros, CR, LF and CRLF line ends) over several buffers: each comes out
     * as the wire bytes of its {@link Bet} record, whichever path read it.
     */
    @Test
    void everyRowComesOutAsTheBytesOfItsRecordWhicheverPathReadsIt() throws Exception {
        Random random = new Random(22);
        String[] names = {"Ana", "José", "Ñandú Pérez", "Zoë", "李 小龍", "O'Neil", "a,b", "say \"hi\"", "  X",
            "Émile-Ü", "ÿÀ", "Ωmega"};
        String[] ends = {"\n", "\r\n", "\r"};
        StringBuilder csv = new StringBuilder();
        List<Bet> expected = new ArrayList<>();
        for (int i = 0; i < 6_000; i++) {
            String first = names[random.nextInt(names.length)];
            String last = names[random.nextInt(names.length)] + i;
            String document = Long.toString(1 + (random.nextLong() >>> 1) % 99_999_999_999L);
            LocalDate birthdate =
                    LocalDate.of(1 + random.nextInt(9999), 1 + random.nextInt(12), 1 + random.nextInt(28));
            int number = random.nextInt(10_000);
            expected.add(new Bet(first, last, document, birthdate, number));
            String numberText = random.nextInt(10) == 0 ? "000" + number : Integer.toString(number);
            csv.append(quoted(first)).append(',').append(quoted(last)).append(',').append(document).append(',')
                    .append(birthdate).append(',').append(numberText).append(ends[random.nextInt(ends.length)]);
        }
        assertThat(csv.length()).isGreaterThan(3 * BetFile.BUFFER_BYTES);
        Path file = Files.writeString(dir.resolve("bets.csv"), csv, StandardCharsets.UTF_8);
        try (BetFile bets = BetFile.open(file, 1)) {
            for (Bet bet : expected) {
                int size = bets.next();
                byte[] want = new byte[Wire.MAX_BET_BYTES];
                int wantSize = Wire.putBet(want, 0, bet);
                assertThat(Arrays.copyOf(bets.bet(), size)).as("bet %s", bet).isEqualTo(Arrays.copyOf(want, wantSize));
            }
            assertThat(bets.next()).isEqualTo(-1);
            assertThat(bets.invalidLines()).isZero();
        }
    }

    private static String quoted(String name) {
        return name.contains(",") || name.contains("\"") ? "\"" + name.replace("\"", "\"\"") + "\"" : name;
    }

    @Test
    void aQuotedLineBreakAcrossTheBufferEdgeCountsItsLines() throws Exception {
        StringBuilder csv = new StringBuilder();
        int rows = 0;
        while (csv.length() < BetFile.BUFFER_BYTES - 10) {
            csv.append("A,B,1,2000-01-01,1\r\n");
            rows++;
        }
        csv.append("\"two\r\nlines and some more text to cross the edge\",X,1,2000-01-01,2\r\n"); // lines rows+1, +2
        csv.append("bad,row\r\n");                                                                   // line rows+3
        csv.append("C,D,1,2000-01-01,3");
        try (LogCapture logs = LogCapture.open(Level.DEBUG)) {
            List<Bet> bets = readAll(csv.toString());
            assertThat(bets).hasSize(rows + 1).last().isEqualTo(bet("C", "D", 3));
            assertThat(logs.messagesStartingWith("action: read_bet")).containsExactly(
                    "action: read_bet | result: fail | client_id: 1 | line: " + (rows + 1) + " | reason: first name"
                            + " holds a control character",
                    "action: read_bet | result: fail | client_id: 1 | line: " + (rows + 3) + " | reason: 5 columns"
                            + " expected, found 2");
        }
    }

    @Test
    void loneCarriageReturnsEndLines() throws Exception {
        try (LogCapture logs = LogCapture.open(Level.DEBUG)) {
            assertThat(readAll("A,B,1,2000-01-01,1\rbad\rC,D,1,2000-01-01,2\r"))
                    .containsExactly(bet("A", "B", 1), bet("C", "D", 2));
            assertThat(logs.messagesStartingWith("action: read_bet")).containsExactly(
                    "action: read_bet | result: fail | client_id: 1 | line: 2 | reason: 5 columns expected, found 1");
        }
    }

    @Test
    void rowsTheFastPathLeavesGetTheRecordsReasons() throws Exception {
        try (LogCapture logs = LogCapture.open(Level.DEBUG)) {
            assertThat(readAll("A,B,1,2000-02-30,1\n A , B ,1,2000-01-01,0042\nA,B,1,0000-01-01,1\n"
                    + "A,B,123456789012345678901,2000-01-01,1\nA,B,1,2000-01-01,10000\n   ,B,1,2000-01-01,1\n"))
                    .containsExactly(new Bet(" A ", " B ", "1", LocalDate.of(2000, 1, 1), 42));
            assertThat(logs.messagesStartingWith("action: read_bet")).containsExactly(
                    "action: read_bet | result: fail | client_id: 1 | line: 1 | reason: birthdate '2000-02-30' is not"
                            + " a date YYYY-MM-DD",
                    "action: read_bet | result: fail | client_id: 1 | line: 3 | reason: birthdate 0000-01-01 is not in"
                            + " years 1..9999",
                    "action: read_bet | result: fail | client_id: 1 | line: 4 | reason: document has more than 20"
                            + " digits",
                    "action: read_bet | result: fail | client_id: 1 | line: 5 | reason: number 10000 is not in"
                            + " 0..9999",
                    "action: read_bet | result: fail | client_id: 1 | line: 6 | reason: first name is empty");
        }
    }

    @Test
    void aRowOverOneMebibyteEndsTheReading() throws Exception {
        Path file = Files.writeString(dir.resolve("bets.csv"),
                "A,B,1,2000-01-01,1\n" + "x".repeat(BetFile.MAX_ROW_BYTES + 1) + "\n");
        try (BetFile bets = BetFile.open(file, 1)) {
            assertThat(bets.next()).isPositive();
            assertThatThrownBy(bets::next).isInstanceOf(BetFileException.class)
                    .hasMessage(file + " line 2: a row of over " + BetFile.MAX_ROW_BYTES + " bytes");
        }
    }
}
