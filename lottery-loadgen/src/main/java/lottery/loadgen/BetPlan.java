package lottery.loadgen;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import lottery.protocol.message.Bet;

/**
 * The bets of a synthetic agency: bet {@code index} of {@code agency} depends only on (seed, agency, index), so a
 * rerun with the same seed sends the same bytes, and any bet can be rebuilt without the ones before it.
 *
 * <p>Every bet is valid on the wire: names from a list with accents (and a few with a comma or a double quote, so
 * the bets file's quoting is exercised), a document that is unique per (agency, index) and says where it came from
 * ({@code agency * 1,000,000 + index}), a birthdate in 1940..2005 and a number in 0..9999. About
 * {@code winnerPermille} bets in 1000 play the winning number 7574, so the draw has winners.
 */
public final class BetPlan {
    public static final int WINNING_NUMBER = 7574;
    /** Documents are {@code agency * DOCUMENT_BASE + index}: unique while an agency has fewer bets than this. */
    public static final int DOCUMENT_BASE = 1_000_000;

    private static final String[] FIRST_NAMES = {
        "Santiago", "Mateo", "Joaqu\u00edn", "Tom\u00e1s", "Luc\u00eda", "Sof\u00eda", "Valentina", "Mar\u00eda Jos\u00e9",
        "Nicol\u00e1s", "Bel\u00e9n", "Ana", "In\u00e9s", "Mar\u00eda \"Mery\"",
    };
    private static final String[] LAST_NAMES = {
        "Gonz\u00e1lez", "Rodr\u00edguez", "G\u00f3mez", "Fern\u00e1ndez", "P\u00e9rez", "Salda\u00f1a", "N\u00fa\u00f1ez",
        "Romero", "Sosa", "De La Fuente", "O'Brien", "Pe\u00f1a, Jr",
    };
    private static final LocalDate OLDEST = LocalDate.of(1940, 1, 1);
    private static final int DAYS = (int) (LocalDate.of(2005, 12, 31).toEpochDay() - OLDEST.toEpochDay()) + 1;

    private BetPlan() {
    }

    /** Bet {@code index} (0-based) of {@code agency}. */
    public static Bet bet(long seed, int agency, int index, int winnerPermille) {
        if (index < 0 || index >= DOCUMENT_BASE) {
            throw new IllegalArgumentException("bet index " + index + " is not in 0.." + (DOCUMENT_BASE - 1));
        }
        SplittableRandom random = new SplittableRandom(mix(seed, agency, index));
        String first = FIRST_NAMES[random.nextInt(FIRST_NAMES.length)];
        String last = LAST_NAMES[random.nextInt(LAST_NAMES.length)];
        LocalDate birthdate = OLDEST.plusDays(random.nextInt(DAYS));
        int number;
        if (random.nextInt(1000) < winnerPermille) {
            number = WINNING_NUMBER;
        } else {
            number = random.nextInt(9999); // 0..9998, with 7574 moved to 9999: never the winning number
            number = number == WINNING_NUMBER ? 9999 : number;
        }
        String document = Long.toString((long) agency * DOCUMENT_BASE + index);
        return new Bet(first, last, document, birthdate, number);
    }

    /** Bets 0..count-1 of {@code agency}. */
    public static List<Bet> bets(long seed, int agency, int count, int winnerPermille) {
        List<Bet> bets = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            bets.add(bet(seed, agency, i, winnerPermille));
        }
        return bets;
    }

    /** One 64-bit seed per bet; SplittableRandom mixes it further. */
    private static long mix(long seed, int agency, int index) {
        long h = seed * 0x9E3779B97F4A7C15L + agency;
        h = (h ^ (h >>> 31)) * 0xBF58476D1CE4E5B9L + index;
        return h ^ (h >>> 29);
    }
}
