package lottery.server.support;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import lottery.protocol.message.Bet;
import lottery.server.lottery.StoredBet;

/** Deterministic test bets whose names exercise the CSV quoting: commas, quotes, accents, non-BMP characters. */
public final class Bets {
    private static final String[] FIRST = {"Santiago Lionel", "María \"Mery\"", "José, Jr", "Ñandú", "Zoë 😀",
        "Ana", "\"Quoted\"", "Lucía,\"Lu\""};
    private static final String[] LAST = {"Lorca", "Saldaña", "O'Brien, \"OB\"", "Müller", "Da Silva", "Pérez"};

    private Bets() {
    }

    /** Bet {@code index} of {@code agency}: unique document per (agency, index); every seventh one wins. */
    public static Bet bet(int agency, int index) {
        String document = String.valueOf(agency * 10_000_000L + index);
        int number = index % 7 == 0 ? StoredBet.WINNING_NUMBER : index % 7_000;
        return new Bet(FIRST[index % FIRST.length], LAST[(index + agency) % LAST.length], document,
                LocalDate.of(1950 + index % 60, 1 + index % 12, 1 + index % 28), number);
    }

    /** Bets {@code from} (inclusive) to {@code to} (exclusive) of {@code agency}. */
    public static List<Bet> range(int agency, int from, int to) {
        List<Bet> bets = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            bets.add(bet(agency, i));
        }
        return bets;
    }

    /** The row {@code load_bets} gives back for {@code bet} of {@code agency}. */
    public static StoredBet stored(int agency, Bet bet) {
        return new StoredBet(agency, bet.firstName(), bet.lastName(), bet.document(), bet.birthdate(), bet.number());
    }
}
