package lottery.server.store.csv;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import lottery.server.store.BetCsv;
import lottery.server.store.StoredBet;

/**
 * A second, independent reader of the bets file: Jackson's CSV parser, then each row read back as the assignment's
 * {@code Bet(row[0], ..., row[5])} does. The server reads the file with {@link BetFileScanner} only; this reader is
 * what BetFileScannerTest holds it to (the reader {@code CsvBetStore.forEach} used before the scanner read everything).
 */
final class JacksonBetFile {
    private static final CsvMapper MAPPER = CsvMapper.builder()
            .enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .build();

    private JacksonBetFile() {
    }

    /**
     * Every row of {@code file}, in file order.
     *
     * @throws IOException when the file cannot be read or a row is not a bet
     */
    static List<StoredBet> read(Path file) throws IOException {
        List<StoredBet> bets = new ArrayList<>();
        long row = 0;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             MappingIterator<String[]> rows = MAPPER.readerFor(String[].class).readValues(reader)) {
            while (rows.hasNextValue()) {
                try {
                    bets.add(parse(rows.nextValue(), ++row));
                } catch (IllegalArgumentException e) {
                    throw new IOException("the bets file " + file + " is corrupt: " + e.getMessage(), e);
                }
            }
        }
        return bets;
    }

    /** One parsed row as a bet; IllegalArgumentException naming the row when it has the wrong shape. */
    private static StoredBet parse(String[] row, long rowNumber) {
        if (row.length != BetCsv.COLUMNS) {
            throw new IllegalArgumentException("row " + rowNumber + " has " + row.length + " fields, not "
                    + BetCsv.COLUMNS);
        }
        try {
            return new StoredBet(Integer.parseInt(row[0]), row[1], row[2], row[3], LocalDate.parse(row[4]),
                    Integer.parseInt(row[5]));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("row " + rowNumber + ": " + e.getMessage(), e);
        }
    }
}
