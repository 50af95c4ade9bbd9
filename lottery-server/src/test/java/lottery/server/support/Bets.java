package lottery.server.support;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import lottery.protocol.message.Bet;
import lottery.server.store.StoredBet;
import lottery.testkit.Dataset;

/** Deterministic test bets whose names exercise the CSV quoting: commas, quotes, accents, non-BMP characters. */
public final class Bets {
    private static final String[] FIRST = {"Santiago Lionel", "María \"Mery\"", "José, Jr", "Ñandú", "Zoë 😀",
        "Ana", "\"Quoted\"", "Lucía,\"Lu\""};
    private static final String[] LAST = {"Lorca", "Saldaña", "O'Brien, \"OB\"", "Müller", "Da Silva", "Pérez"};

    private static final CsvMapper CSV = CsvMapper.builder().enable(CsvParser.Feature.WRAP_AS_ARRAY).build();

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

    /** Every agency's bets of {@code dataset} as the server receives them, in file order, by agency, read with
     * Jackson's CSV parser. */
    public static Map<Integer, List<Bet>> fromDataset(Dataset dataset) throws IOException {
        Map<Integer, List<Bet>> byAgency = new TreeMap<>();
        for (int agency = 1; agency <= Dataset.AGENCIES; agency++) {
            List<Bet> bets = new ArrayList<>();
            try (Reader reader = Files.newBufferedReader(dataset.file(agency), StandardCharsets.UTF_8);
                 MappingIterator<String[]> rows = CSV.readerFor(String[].class).readValues(reader)) {
                while (rows.hasNextValue()) {
                    String[] row = rows.nextValue();
                    bets.add(new Bet(row[0], row[1], row[2], LocalDate.parse(row[3]), Integer.parseInt(row[4])));
                }
            }
            byAgency.put(agency, bets);
        }
        return byAgency;
    }
}
