package lottery.client.agency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
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
            for (Bet bet = bets0.next(); bet != null; bet = bets0.next()) {
                bets.add(bet);
            }
            assertThat(bets0.percentRead()).isEqualTo(100);
        }
        return bets;
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
            assertThat(bets.next()).isNull();
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
            assertThat(bets.next()).isEqualTo(bet("A", "B", 1));
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
}
