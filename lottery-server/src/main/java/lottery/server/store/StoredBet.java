package lottery.server.store;

import java.time.LocalDate;

/**
 * One row of the bets file: the assignment's {@code Bet} class, agency included. Unlike the protocol's Bet record it
 * checks nothing beyond the column types, because a file written by the Python reference may hold any text.
 *
 * <p>Thread context: immutable; built on the thread that reads the store ({@link BetStore#forEach}, the CSV store's
 * {@code loadBets}, {@code --export-bets}).
 *
 * @param agency    the agency that took the bet
 * @param firstName as stored
 * @param lastName  as stored
 * @param document  as stored (digits when written by this server)
 * @param birthdate an ISO date
 * @param number    the number bet on
 */
public record StoredBet(int agency, String firstName, String lastName, String document, LocalDate birthdate,
                        int number) {

    /** The number that wins the draw (the assignment's {@code LOTTERY_WINNER_NUMBER}). */
    public static final int WINNING_NUMBER = 7574;

    /** The assignment's {@code has_won}: whether this bet is on the winning number. */
    public boolean hasWon() {
        return number == WINNING_NUMBER;
    }
}
