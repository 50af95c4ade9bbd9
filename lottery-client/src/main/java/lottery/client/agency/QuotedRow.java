package lottery.client.agency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import lottery.common.log.LogText;

/**
 * The fields of a bets-file row that holds a double quote, as Jackson's CSV parser reads RFC 4180 quoting (a quoted
 * field may hold commas, doubled quotes and line breaks). {@link BetFile} finds where such a row ends and hands its
 * text here; rows without quotes never load Jackson. Stateless.
 */
final class QuotedRow {
    private static final CsvFactory CSV = new CsvFactory();

    private QuotedRow() {
    }

    /**
     * The fields of the first row of {@code text}, which starts on line {@code line} of {@code source}.
     *
     * @throws BetFileException when the quoting is broken (an unterminated quote), naming the line where the parser
     *                          stopped
     */
    static List<String> fields(String text, BetSource source, long line) throws BetFileException {
        List<String> fields = new ArrayList<>(BetParser.COLUMNS);
        try (CsvParser parser = CSV.createParser(text)) {
            parser.setSchema(CsvSchema.emptySchema()); // no header: a row comes as an array of strings
            JsonToken token = parser.nextToken();
            if (token != JsonToken.START_ARRAY) {
                return List.of("");
            }
            for (token = parser.nextToken(); token == JsonToken.VALUE_STRING; token = parser.nextToken()) {
                fields.add(parser.getText());
            }
            if (token != JsonToken.END_ARRAY) {
                throw new BetFileException(source + " line " + line + ": unexpected CSV token " + token, null);
            }
            return fields;
        } catch (JsonProcessingException e) {
            long at = e.getLocation() == null ? line : line + e.getLocation().getLineNr() - 1;
            throw new BetFileException(source + " line " + at + ": " + LogText.clean(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new BetFileException(source + ": read error: " + LogText.clean(e.getMessage()), e);
        }
    }
}
