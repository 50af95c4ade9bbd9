import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Writes a synthetic stand-in for the course's dataset when the real one (dataset.zip) is not at hand, so a fresh
 * clone can run the whole lottery. Same format as the course's files: {@code agency-K.csv}, UTF-8, CRLF line ends,
 * no header, columns {@code first_name,last_name,document,birthdate,number}. Names are Argentine-style, with
 * accents and compound first names; documents are 8 digits, unique within an agency; about one bet in 500 plays
 * the winning number 7574, and the middle row of each file always does, so every agency has winners.
 *
 * <p>The output is deterministic: agency K always gets the same rows (its random generator is seeded with
 * 7574 + K), whichever other agencies are generated. Existing files are never overwritten.
 *
 * <p>Run it with Java 17's single-file source launcher (no build needed):
 * <pre>
 *   java tools/data/GenerateDataset.java OUTPUT_DIR [AGENCY...]      (default agencies: 1 2 3 4 5)
 * </pre>
 */
public final class GenerateDataset {

    private static final int WINNING_NUMBER = 7574;
    private static final int WINNER_ONE_IN = 500;
    private static final long SEED = 7574;
    /** Bets of agencies 1..5 (any other agency gets the last size): uneven, like the course's files. */
    private static final int[] ROWS = {3000, 2400, 1800, 1200, 600};

    // Letters beyond ASCII are written as Unicode escapes: Java 17's source launcher decodes this file in the
    // platform charset, so under a C/POSIX locale literal accents became U+FFFD and the output changed by machine.
    private static final String[] FIRST_NAMES = {
        "Santiago", "Mateo", "Joaqu\u00edn", "Tom\u00e1s", "Benjam\u00edn", "Mart\u00edn", "Agust\u00edn",
        "Nicol\u00e1s", "Juli\u00e1n", "Facundo", "Lautaro", "Thiago", "Valent\u00edn", "Ignacio", "Franco", "Gonzalo",
        "Sebasti\u00e1n", "Mat\u00edas", "Emiliano", "Luc\u00eda", "Sof\u00eda", "Valentina", "Martina", "Camila",
        "Julieta", "Milagros", "Catalina", "Bel\u00e9n", "Agustina", "Florencia", "Micaela", "Roc\u00edo", "Ana",
        "Mar\u00eda", "Abril", "Josefina", "Candela", "Renata", "In\u00e9s",
    };
    private static final String[] LAST_NAMES = {
        "Gonz\u00e1lez", "Rodr\u00edguez", "G\u00f3mez", "Fern\u00e1ndez", "L\u00f3pez", "D\u00edaz", "Mart\u00ednez",
        "P\u00e9rez", "Garc\u00eda", "S\u00e1nchez", "Romero", "Sosa", "\u00c1lvarez", "Torres", "Ruiz", "Ram\u00edrez",
        "Flores", "Ben\u00edtez", "Acosta", "Medina", "Herrera", "Su\u00e1rez", "Aguirre", "Gim\u00e9nez",
        "Guti\u00e9rrez", "Pereyra", "Rojas", "Molina", "Castro", "Ortiz", "Silva", "N\u00fa\u00f1ez", "Luna",
        "Ju\u00e1rez", "Cabrera", "R\u00edos", "Ferreyra", "Godoy", "Morales", "Dom\u00ednguez", "Pe\u00f1a",
        "Salda\u00f1a", "Mu\u00f1oz", "Ib\u00e1\u00f1ez", "Quiroga", "De La Fuente", "Del Valle", "\u00c1vila",
        "Ch\u00e1vez", "Ledesma",
    };
    private static final LocalDate OLDEST = LocalDate.of(1940, 1, 1);
    private static final LocalDate YOUNGEST = LocalDate.of(2005, 12, 31);

    private GenerateDataset() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0 || args[0].equals("--help")) {
            System.err.println("usage: java tools/data/GenerateDataset.java OUTPUT_DIR [AGENCY...]   (default 1..5)");
            System.exit(args.length == 0 ? 2 : 0);
        }
        Path dir = Path.of(args[0]);
        List<Integer> agencies = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            agencies.add(parseAgency(args[i]));
        }
        if (agencies.isEmpty()) {
            agencies = List.of(1, 2, 3, 4, 5);
        }
        Files.createDirectories(dir);
        for (int agency : agencies) {
            Path file = dir.resolve("agency-" + agency + ".csv");
            if (Files.exists(file)) {
                System.out.println("GenerateDataset: kept existing " + file);
                continue;
            }
            int winners = write(file, agency);
            System.out.println("GenerateDataset: wrote " + file + " (" + rows(agency) + " bets, " + winners
                    + " on " + WINNING_NUMBER + ")");
        }
    }

    private static int parseAgency(String text) {
        try {
            int agency = Integer.parseInt(text);
            if (agency >= 1 && agency <= 65535) {
                return agency;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        System.err.println("GenerateDataset: agency '" + text + "' is not an integer in 1..65535");
        System.exit(2);
        return 0;
    }

    private static int rows(int agency) {
        return ROWS[Math.min(agency, ROWS.length) - 1];
    }

    /** Writes one agency's file via a temporary one (an interrupted run leaves no partial CSV); returns its winners. */
    private static int write(Path file, int agency) throws IOException {
        Random random = new Random(SEED + agency);
        Set<Integer> documents = new HashSet<>();
        int winners = 0;
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)) {
            int rows = rows(agency);
            for (int row = 0; row < rows; row++) {
                boolean wins = random.nextInt(WINNER_ONE_IN) == 0 || row == rows / 2;
                int number = wins ? WINNING_NUMBER : nonWinningNumber(random);
                if (wins) {
                    winners++;
                }
                out.write(firstName(random) + "," + pick(random, LAST_NAMES) + "," + document(random, documents) + ","
                        + birthdate(random) + "," + number + "\r\n");
            }
        }
        Files.move(tmp, file);
        return winners;
    }

    private static String firstName(Random random) {
        String first = pick(random, FIRST_NAMES);
        if (random.nextInt(3) == 0) {
            return first;
        }
        String second = pick(random, FIRST_NAMES);
        return second.equals(first) ? first : first + " " + second;
    }

    private static int nonWinningNumber(Random random) {
        int number = random.nextInt(9999);
        return number >= WINNING_NUMBER ? number + 1 : number;
    }

    private static String document(Random random, Set<Integer> used) {
        int document;
        do {
            document = 10_000_000 + random.nextInt(36_000_000);
        } while (!used.add(document));
        return Integer.toString(document);
    }

    private static String birthdate(Random random) {
        long days = YOUNGEST.toEpochDay() - OLDEST.toEpochDay() + 1;
        return OLDEST.plusDays(random.nextInt((int) days)).toString();
    }

    private static String pick(Random random, String[] values) {
        return values[random.nextInt(values.length)];
    }
}
