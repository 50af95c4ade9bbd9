package lottery.server.support;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import lottery.protocol.message.Bet;

/**
 * The course dataset: {@code dataset.zip} with {@code agency-N.csv} files (UTF-8, CRLF, no header; columns
 * first_name, last_name, document, birthdate, number), read straight from the zip.
 */
public final class Dataset {
    /** System property naming the zip; by default it is looked for beside the repository. */
    public static final String PROPERTY = "lottery.dataset";
    private static final Pattern AGENCY_FILE = Pattern.compile("(?:.*/)?agency-(\\d+)\\.csv");
    private static final CsvMapper CSV = CsvMapper.builder().enable(CsvParser.Feature.WRAP_AS_ARRAY).build();

    private Dataset() {
    }

    /** Where the zip is: the property, or {@code ../shared/data/dataset.zip} from the repository or module. */
    public static Optional<Path> locate() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null) {
            return Optional.of(Path.of(configured)).filter(Files::isRegularFile);
        }
        for (String candidate : new String[] {"../shared/data/dataset.zip", "../../shared/data/dataset.zip"}) {
            Path path = Path.of(candidate);
            if (Files.isRegularFile(path)) {
                return Optional.of(path);
            }
        }
        return Optional.empty();
    }

    /** Every agency's bets, in file order, by agency number. */
    public static Map<Integer, List<Bet>> load(Path zip) throws IOException {
        Map<Integer, List<Bet>> byAgency = new TreeMap<>();
        try (ZipFile file = new ZipFile(zip.toFile(), StandardCharsets.UTF_8)) {
            for (ZipEntry entry : file.stream().toList()) {
                Matcher name = AGENCY_FILE.matcher(entry.getName());
                if (entry.isDirectory() || !name.matches()) {
                    continue;
                }
                List<Bet> bets = new ArrayList<>();
                try (Reader reader = new InputStreamReader(file.getInputStream(entry), StandardCharsets.UTF_8);
                     MappingIterator<String[]> rows = CSV.readerFor(String[].class).readValues(reader)) {
                    while (rows.hasNextValue()) {
                        String[] row = rows.nextValue();
                        bets.add(new Bet(row[0], row[1], row[2], LocalDate.parse(row[3]), Integer.parseInt(row[4])));
                    }
                }
                byAgency.put(Integer.parseInt(name.group(1)), bets);
            }
        }
        return byAgency;
    }
}
