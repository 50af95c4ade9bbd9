package lottery.client.agency;

import java.time.LocalDate;
import java.time.DateTimeException;
import lottery.protocol.message.Bet;

/**
 * Parses the five text fields of a bet (a CSV row, or the {@code NOMBRE}.. environment variables) into a
 * {@link Bet}. The text-to-value conversions live here; every other rule (non-empty names, 1..20 digit document,
 * years 1..9999, number 0..9999, UTF-8 length) is the {@link Bet} constructor's, so the client refuses exactly what
 * the protocol cannot carry.
 */
public final class BetParser {
    /** How many columns a bet row has: first name, last name, document, birthdate, number. */
    public static final int COLUMNS = 5;

    private BetParser() {
    }

    /**
     * Builds the bet of these fields.
     *
     * @throws IllegalArgumentException with a short reason naming the bad field
     */
    public static Bet parse(String firstName, String lastName, String document, String birthdate, String number) {
        return new Bet(firstName, lastName, document, parseDate(birthdate), parseNumber(number));
    }

    private static LocalDate parseDate(String text) {
        // ISO_LOCAL_DATE resolves strictly: 2001-02-29 is refused, not moved to March 1st. The common shape
        // yyyy-mm-dd is read here without the formatter's parse context (about 500 bytes and most of the time of a
        // row, measured with lottery-bench's BetFileBenchmark); LocalDate.of is as strict. Any other text goes to
        // LocalDate.parse, so what is accepted and refused is exactly the formatter's.
        try {
            if (text.length() == 10 && text.charAt(4) == '-' && text.charAt(7) == '-') {
                int year = digits(text, 0, 4);
                int month = digits(text, 5, 7);
                int day = digits(text, 8, 10);
                if (year >= 0 && month >= 0 && day >= 0) {
                    return LocalDate.of(year, month, day);
                }
            }
            return LocalDate.parse(text);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("birthdate '" + text + "' is not a date YYYY-MM-DD");
        }
    }

    /** The value of the ASCII digits {@code text[from, to)}, or -1 when one is not a digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static int parseNumber(String text) {
        int value = text.isEmpty() || text.length() > 9 ? -1 : digits(text, 0, text.length());
        if (value < 0) {
            throw new IllegalArgumentException("number '" + text + "' is not a number 0..9999");
        }
        return value;
    }
}
