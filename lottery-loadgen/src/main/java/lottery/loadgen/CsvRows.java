package lottery.loadgen;

import lottery.protocol.message.Bet;

/**
 * The server's bets-file row format (lottery-server's {@code BetCsv}, kept package-private there), so that
 * {@code expected.csv} can be compared with the server's {@code bets.csv} line for line: Python's
 * {@code csv.writer(quoting=QUOTE_MINIMAL)} of {@code [agency, first_name, last_name, document, birthdate, number]},
 * a field quoted only when it holds a comma, a double quote, CR or LF (quotes inside doubled), rows ended by CRLF.
 */
final class CsvRows {
    static final String LINE_END = "\r\n";

    private CsvRows() {
    }

    static void appendRow(StringBuilder out, int agency, Bet bet) {
        out.append(agency).append(',');
        appendField(out, bet.firstName());
        out.append(',');
        appendField(out, bet.lastName());
        out.append(',');
        appendField(out, bet.document());
        out.append(',').append(bet.birthdate()).append(',').append(bet.number()).append(LINE_END);
    }

    private static void appendField(StringBuilder out, String value) {
        boolean quote = false;
        for (int i = 0; i < value.length() && !quote; i++) {
            char c = value.charAt(i);
            quote = c == ',' || c == '"' || c == '\r' || c == '\n';
        }
        if (quote) {
            out.append('"').append(value.replace("\"", "\"\"")).append('"');
        } else {
            out.append(value);
        }
    }
}
