package lottery.client.lottery;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
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
        // ISO_LOCAL_DATE resolves strictly: 2001-02-29 is refused, not moved to March 1st.
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("birthdate '" + text + "' is not a date YYYY-MM-DD");
        }
    }

    private static int parseNumber(String text) {
        if (text.isEmpty() || text.length() > 9 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("number '" + text + "' is not a number 0..9999");
        }
        return Integer.parseInt(text);
    }
}
