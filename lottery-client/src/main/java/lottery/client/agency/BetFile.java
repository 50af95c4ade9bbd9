package lottery.client.agency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;
import lottery.common.log.LogText;
import lottery.protocol.message.Bet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the bets of an agency's CSV file: UTF-8, CRLF or LF line ends, no header, columns first_name, last_name,
 * document, birthdate (YYYY-MM-DD), number, RFC 4180 quoting (names may hold commas, quotes, accents). Jackson's
 * CSV parser reads it token by token, so only the current row is in memory whatever the file size.
 *
 * <p>A row that is not a valid bet (wrong column count, bad date, number out of range, empty name...) is logged at
 * WARN with its line number and reason, counted, and skipped. Blank lines are skipped silently. Text that cannot be
 * read at all (bytes that are not UTF-8, an unterminated quote) ends the reading with a {@link BetFileException}.
 * Used by one thread.
 */
public final class BetFile implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BetFile.class);
    private static final CsvFactory CSV = new CsvFactory();
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private final BetSource path;
    private final ZipFile archive;
    private final int clientId;
    private final long size;
    private final CsvParser parser;
    private int invalidLines;
    private boolean firstRow = true;
    private boolean ended;

    private BetFile(BetSource path, ZipFile archive, int clientId, long size, CsvParser parser) {
        this.path = path;
        this.archive = archive;
        this.clientId = clientId;
        this.size = size;
        this.parser = parser;
    }

    /**
     * Opens {@code path} for reading, or the entry of that name in the course's zip beside it when the file itself
     * does not exist ({@link BetSource}); {@code clientId} only labels the log lines.
     */
    public static BetFile open(Path path, int clientId) throws BetFileException {
        BetSource source = BetSource.locate(path).orElseThrow(() -> new BetFileException(path
                + " cannot be opened: not a readable file, and no " + String.join(" or ", BetSource.ZIP_NAMES)
                + " beside it holds " + path.getFileName(), null));
        ZipFile archive = null;
        Reader reader = null;
        try {
            archive = source.openArchive();
            long size = source.size(archive);
            // newDecoder() reports malformed input instead of replacing it with U+FFFD.
            reader = new InputStreamReader(source.open(archive), StandardCharsets.UTF_8.newDecoder());
            CsvParser parser = CSV.createParser(reader);
            parser.setSchema(CsvSchema.emptySchema()); // no header: every row comes as an array of strings
            if (source.entry() != null) {
                LOG.info("action: open_bets | result: success | client_id: {} | file: {}", clientId, source);
            }
            return new BetFile(source, archive, clientId, size, parser);
        } catch (IOException e) {
            closeQuietly(reader, e);
            closeQuietly(archive, e);
            throw new BetFileException(source + " cannot be opened: " + LogText.clean(e.getMessage()), e);
        }
    }

    private static void closeQuietly(AutoCloseable resource, Exception failure) {
        if (resource != null) {
            try {
                resource.close();
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
    }

    /**
     * The next valid bet, or {@code null} at the end of the file.
     *
     * @throws BetFileException when the rest of the file cannot be read
     */
    public Bet next() throws BetFileException {
        // Each turn consumes one row, so the loop ends with the file.
        while (true) {
            JsonToken token = nextToken();
            if (token == null) {
                ended = true;
                return null;
            }
            long line = -1;
            List<String> fields = new ArrayList<>(BetParser.COLUMNS);
            for (token = nextToken(); token == JsonToken.VALUE_STRING; token = nextToken()) {
                if (line < 0) {
                    line = parser.currentTokenLocation().getLineNr();
                }
                fields.add(currentText());
            }
            if (token != JsonToken.END_ARRAY) {
                throw new BetFileException(path + " line " + line + ": unexpected CSV token " + token, null);
            }
            if (firstRow && !fields.isEmpty() && fields.get(0).indexOf(BYTE_ORDER_MARK) == 0) {
                fields.set(0, fields.get(0).substring(1));
            }
            firstRow = false;
            if (fields.size() == 1 && fields.get(0).isEmpty()) {
                continue; // a blank line holds no bet
            }
            Bet bet = toBet(fields, line);
            if (bet != null) {
                return bet;
            }
        }
    }

    private Bet toBet(List<String> fields, long line) {
        String reason;
        if (fields.size() != BetParser.COLUMNS) {
            reason = BetParser.COLUMNS + " columns expected, found " + fields.size();
        } else {
            try {
                return BetParser.parse(fields.get(0), fields.get(1), fields.get(2), fields.get(3), fields.get(4));
            } catch (IllegalArgumentException e) {
                reason = e.getMessage();
            }
        }
        invalidLines++;
        LOG.warn("action: read_bet | result: fail | client_id: {} | line: {} | reason: {}", clientId, line,
                LogText.clean(reason));
        return null;
    }

    private JsonToken nextToken() throws BetFileException {
        try {
            return parser.nextToken();
        } catch (IOException e) {
            throw readFailure(e);
        }
    }

    private String currentText() throws BetFileException {
        try {
            return parser.getText();
        } catch (IOException e) {
            throw readFailure(e);
        }
    }

    private BetFileException readFailure(IOException failure) {
        if (failure instanceof JsonProcessingException e) {
            long line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            return new BetFileException(path + " line " + line + ": " + LogText.clean(e.getOriginalMessage()), e);
        } else if (failure instanceof CharacterCodingException) {
            return new BetFileException(path + " near line " + parser.currentLocation().getLineNr()
                    + ": not UTF-8 text", failure);
        }
        return new BetFileException(path + ": read error: " + LogText.clean(failure.getMessage()), failure);
    }

    /** How many rows were invalid so far. */
    public int invalidLines() {
        return invalidLines;
    }

    /** How far the reading got, 0..100: characters parsed against the file's size in bytes; 100 at the end. */
    public int percentRead() {
        if (ended || size <= 0) {
            return 100;
        }
        long chars = Math.max(0, parser.currentLocation().getCharOffset());
        return (int) Math.min(100, chars * 100 / size);
    }

    @Override
    public void close() throws BetFileException {
        try {
            try {
                parser.close(); // closes the reader and the file
            } finally {
                if (archive != null) {
                    archive.close();
                }
            }
        } catch (IOException e) {
            throw new BetFileException(path + " cannot be closed: " + LogText.clean(e.getMessage()), e);
        }
    }
}
