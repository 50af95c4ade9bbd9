package lottery.client.agency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import lottery.protocol.message.Bet;
import org.junit.jupiter.api.Test;

/** BetParser accepts and refuses exactly what LocalDate.parse and a plain digit check did before its fast path. */
class BetParserTest {

    /** The date LocalDate.parse reads, or null when it refuses the text (the behaviour before the fast path). */
    private static LocalDate reference(String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @Test
    void datesAreReadExactlyAsLocalDateParseReadsThem() {
        List<String> texts = new ArrayList<>(List.of("1999-03-17", "2000-02-29", "2001-02-29", "1900-02-29",
                "0001-01-01", "0000-01-01", "9999-12-31", "2000-13-01", "2000-00-10", "2000-01-00", "2000-01-32",
                "2000-04-31", "2000-1-01", "2000/01/01", "20000-01-01", "+2000-01-01", "+12345-01-01", "２０００-01-01",
                "2000-01-0a", " 2000-01-01", "2000-01-01 ", "", "2000-01", "-2000-01-01"));
        Random random = new Random(11);
        String alphabet = "0123456789-+/ a";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder();
            if (random.nextBoolean()) {
                // near the common shape: digits with dashes at 4 and 7, one position maybe disturbed
                text.append(String.format("%04d-%02d-%02d", random.nextInt(10_000), random.nextInt(14),
                        random.nextInt(33)));
                if (random.nextInt(4) == 0) {
                    text.setCharAt(random.nextInt(10), alphabet.charAt(random.nextInt(alphabet.length())));
                }
            } else {
                int length = 8 + random.nextInt(5);
                for (int k = 0; k < length; k++) {
                    text.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            texts.add(text.toString());
        }
        int accepted = 0;
        for (String text : texts) {
            LocalDate expected = reference(text);
            if (expected == null) {
                assertThatThrownBy(() -> BetParser.parse("Ana", "Peña", "1", text, "7"))
                        .as(text).isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("birthdate '" + text + "' is not a date YYYY-MM-DD");
            } else if (expected.getYear() >= 1 && expected.getYear() <= 9999) {
                // (other years: the Bet refuses them, as it did before)
                assertThat(BetParser.parse("Ana", "Peña", "1", text, "7").birthdate()).as(text).isEqualTo(expected);
                accepted++;
            }
        }
        assertThat(accepted).isGreaterThan(5_000); // the fast path was exercised, not only refusals
    }

    @Test
    void numbersAreDigitsOnly() {
        Bet bet = BetParser.parse("Ana", "Peña", "1", "1999-03-17", "0042");
        assertThat(bet.number()).isEqualTo(42);
        for (String bad : List.of("", "-1", "+1", "1.0", " 1", "1234567890", "١٢")) {
            assertThatThrownBy(() -> BetParser.parse("Ana", "Peña", "1", "1999-03-17", bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("number '" + bad + "' is not a number 0..9999");
        }
        // Beyond 0..9999 the Bet refuses it, as before.
        assertThatThrownBy(() -> BetParser.parse("Ana", "Peña", "1", "1999-03-17", "10000"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
