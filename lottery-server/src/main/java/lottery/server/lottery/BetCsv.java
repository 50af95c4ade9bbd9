package lottery.server.lottery;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import lottery.protocol.message.Bet;

/**
 * The row format of the bets file, byte for byte what Python's {@code csv.writer(file, quoting=csv.QUOTE_MINIMAL)}
 * writes for {@code [agency, first_name, last_name, document, birthdate, number]}: fields separated by commas, a
 * field quoted only when it holds a comma, a double quote, CR or LF (quotes inside doubled), rows ended by CRLF.
 *
 * <p>Example: agency 3, {@code María "Mery"}, {@code Saldaña, Jr}, 30904465, 1999-03-17, 7574 becomes
 * {@code 3,"María ""Mery""","Saldaña, Jr",30904465,1999-03-17,7574\r\n}.
 */
final class BetCsv {
    static final String LINE_END = "\r\n";
    static final int COLUMNS = 6;

    private BetCsv() {
    }

    /** Appends the row of {@code bet} taken by {@code agency} to {@code out}. */
    static void appendRow(StringBuilder out, int agency, Bet bet) {
        out.append(agency).append(',');
        appendField(out, bet.firstName());
        out.append(',');
        appendField(out, bet.lastName());
        out.append(',');
        appendField(out, bet.document());
        out.append(',').append(bet.birthdate()).append(',').append(bet.number()).append(LINE_END);
    }

    /** The rows of {@code bets}, in order. */
    static String rows(int agency, List<Bet> bets) {
        StringBuilder out = new StringBuilder(bets.size() * 64);
        for (Bet bet : bets) {
            appendRow(out, agency, bet);
        }
        return out.toString();
    }

    private static void appendField(StringBuilder out, String value) {
        if (needsQuotes(value)) {
            out.append('"').append(value.replace("\"", "\"\"")).append('"');
        } else {
            out.append(value);
        }
    }

    private static boolean needsQuotes(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ',' || c == '"' || c == '\r' || c == '\n') {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads one parsed row back, as the assignment's {@code Bet(row[0], ..., row[5])} does.
     *
     * @throws IllegalArgumentException naming the row when it has the wrong shape
     */
    static StoredBet parse(String[] row, long rowNumber) {
        if (row.length != COLUMNS) {
            throw new IllegalArgumentException("row " + rowNumber + " has " + row.length + " fields, not " + COLUMNS);
        }
        try {
            return new StoredBet(Integer.parseInt(row[0]), row[1], row[2], row[3], LocalDate.parse(row[4]),
                    Integer.parseInt(row[5]));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("row " + rowNumber + ": " + e.getMessage(), e);
        }
    }
}
