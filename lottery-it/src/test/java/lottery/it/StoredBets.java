package lottery.it;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import lottery.server.support.TestServer;

/** What a server stored, read as the course would: the bets file as text, and its rows as CSV. */
final class StoredBets {
    private static final CsvMapper CSV = CsvMapper.builder()
            .enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .build();

    private StoredBets() {
    }

    /** The bets file, byte for byte as UTF-8 text ("" while the server has stored nothing). */
    static String text(TestServer server) throws IOException {
        return Files.readString(server.storage(), StandardCharsets.UTF_8);
    }

    /**
     * The rows of the bets file parsed as CSV ({@code agency, first_name, last_name, document, birthdate, number}),
     * in file order: what the assignment's {@code load_bets} would read.
     */
    static List<List<String>> rows(TestServer server) throws IOException {
        Path storage = server.storage();
        List<List<String>> rows = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(storage, StandardCharsets.UTF_8);
             MappingIterator<String[]> parsed = CSV.readerFor(String[].class).readValues(reader)) {
            while (parsed.hasNextValue()) {
                rows.add(Arrays.asList(parsed.nextValue()));
            }
        }
        return rows;
    }
}
