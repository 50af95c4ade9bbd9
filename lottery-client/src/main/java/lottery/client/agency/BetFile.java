package lottery.client.agency;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipFile;
import lottery.common.log.LogText;
import lottery.protocol.codec.Wire;
import lottery.protocol.message.Bet;
import lottery.protocol.message.Limits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the bets of an agency's CSV file, each as its wire bytes (the layout of a bet inside a BATCH,
 * docs/PROTOCOL.md), ready to be packed into a batch: UTF-8, CRLF, CR or LF line ends, no header, columns
 * first_name, last_name, document, birthdate (YYYY-MM-DD), number, RFC 4180 quoting (names may hold commas, quotes,
 * accents). Only the current row and a 64 KiB buffer are in memory, whatever the file size.
 *
 * <p>Two paths, one result. A row without a double quote whose fields have the usual shape (names of printable
 * ASCII and Latin-1 letters, a 1..20 digit document, a real date, a number of 1..4 digits) is checked and turned
 * into the bet's wire bytes in one pass over the file's bytes: no String, no {@link Bet}. Any other row is decoded
 * as strict UTF-8 and split into fields (a row with a double quote by Jackson's CSV parser, which alone decides
 * what its quoting means), then goes through {@link BetParser} and the {@link Bet} record, whose checks and reasons
 * are the ones every row is held to. A bet both paths can read comes out as the same bytes (BetFileTest holds this
 * over generated rows).
 *
 * <p>A row that is not a valid bet (wrong column count, bad date, number out of range, empty name...) is logged at
 * WARN with its line number and reason, counted, and skipped. Blank lines are skipped silently, and so is a UTF-8
 * byte order mark at the start. Text that cannot be read at all (bytes that are not UTF-8, an unterminated quote, a
 * row over 1 MiB) ends the reading with a {@link BetFileException}. Used by one thread.
 */
public final class BetFile implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BetFile.class);
    /** The read buffer: about 1,400 course rows. */
    static final int BUFFER_BYTES = 64 << 10;
    /** The longest row read; no bet comes near it (a bet's fields are at most 539 bytes on the wire). */
    static final int MAX_ROW_BYTES = 1 << 20;

    private final BetSource source;
    private final ZipFile archive;
    private final InputStream in;
    private final int clientId;
    private final long size;
    /** The file's bytes from {@link #consumed}: rows start at {@link #pos}, the bytes read end at {@link #limit}. */
    private byte[] buf = new byte[BUFFER_BYTES];
    private int pos;
    private int limit;
    /** Bytes of the file before {@code buf[0]}. */
    private long consumed;
    private boolean eof;
    private boolean started;
    /** The line the next row starts on, counted as Jackson's CSV parser counts (CRLF, CR and LF end a line). */
    private long line = 1;
    /** Set by {@link #findRow}: where the row ends (its line end, or {@link #limit} at the end of the file). */
    private int rowEnd;
    /** Set by {@link #findRow}: whether the row holds a double quote. */
    private boolean rowQuoted;
    /** The wire bytes of the bet {@link #next} returned. */
    private final byte[] bet = new byte[Wire.MAX_BET_BYTES];
    private int invalidLines;
    private boolean ended;

    private BetFile(BetSource source, ZipFile archive, InputStream in, int clientId, long size) {
        this.source = source;
        this.archive = archive;
        this.in = in;
        this.clientId = clientId;
        this.size = size;
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
        try {
            archive = source.openArchive();
            long size = source.size(archive);
            InputStream in = source.open(archive);
            if (source.entry() != null) {
                LOG.info("action: open_bets | result: success | client_id: {} | file: {}", clientId, source);
            }
            return new BetFile(source, archive, in, clientId, size);
        } catch (IOException e) {
            if (archive != null) {
                try {
                    archive.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new BetFileException(source + " cannot be opened: " + LogText.clean(e.getMessage()), e);
        }
    }

    /**
     * Reads on to the next valid bet and puts its wire bytes at the start of {@link #bet()}.
     *
     * @return how many bytes the bet takes there, or -1 at the end of the file
     * @throws BetFileException when the rest of the file cannot be read
     */
    public int next() throws BetFileException {
        if (!started) {
            started = true;
            while (limit < 3 && !eof) {
                fill(); // a stream may give fewer bytes than asked: the byte order mark must be whole to be seen
            }
            if (limit - pos >= 3 && buf[pos] == (byte) 0xEF && buf[pos + 1] == (byte) 0xBB
                    && buf[pos + 2] == (byte) 0xBF) {
                pos += 3; // the byte order mark
            }
        }
        // Each turn consumes one row, so the loop ends with the file.
        while (findRow()) {
            long rowLine = line;
            int from = pos;
            int end = rowEnd;
            int bytes = rowQuoted ? -1 : plainRow(from, end);
            if (bytes < 0 && end > from) {
                bytes = parsedRow(from, end, rowLine);
            }
            endRow();
            if (bytes > 0) {
                return bytes;
            }
        }
        ended = true;
        return -1;
    }

    /** The wire bytes of the last bet {@link #next} returned, at index 0 (valid until the next call). */
    public byte[] bet() {
        return bet;
    }

    /**
     * Finds the row at {@link #pos} (reading on as needed): sets {@link #rowEnd} and {@link #rowQuoted}.
     *
     * @return {@code false} at the end of the file
     */
    private boolean findRow() throws BetFileException {
        while (true) {
            int i = pos;
            boolean quoted = false;
            boolean inQuotes = false;
            boolean fieldStart = true;
            boolean needMore = false;
            for (; i < limit; i++) {
                byte c = buf[i];
                if (inQuotes) {
                    if (c == '"') {
                        if (i + 1 == limit && !eof) {
                            needMore = true; // a doubled quote or the closing one: the next byte says
                            break;
                        }
                        if (i + 1 < limit && buf[i + 1] == '"') {
                            i++;
                        } else {
                            inQuotes = false;
                        }
                    }
                } else if (c == '\n' || c == '\r') {
                    needMore = c == '\r' && i + 1 == limit && !eof; // CR or CRLF: the next byte says
                    break;
                } else if (c == ',') {
                    fieldStart = true;
                } else {
                    if (c == '"') {
                        quoted = true;
                        inQuotes = fieldStart;
                    }
                    fieldStart = false;
                }
            }
            if (!needMore && (i < limit || eof)) {
                if (i == limit && pos == limit) {
                    return false; // the end of the file, after the last row's line end
                }
                rowEnd = i;
                rowQuoted = quoted;
                return true;
            }
            if (limit - pos >= MAX_ROW_BYTES) {
                throw new BetFileException(source + " line " + line + ": a row of over " + MAX_ROW_BYTES
                        + " bytes", null);
            }
            fill();
        }
    }

    /**
     * Moves the unread bytes to the start of the buffer (doubling it when they fill it) and reads more after them;
     * sets {@link #eof} at the end of the file.
     */
    private void fill() throws BetFileException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            consumed += pos;
            limit -= pos;
            rowEnd -= pos;
            pos = 0;
        }
        if (limit == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        try {
            int n = in.read(buf, limit, buf.length - limit);
            if (n < 0) {
                eof = true;
            } else {
                limit += n;
            }
        } catch (IOException e) {
            throw new BetFileException(source + ": read error: " + LogText.clean(e.getMessage()), e);
        }
    }

    /** Steps over the row {@link #findRow} found and its line end, counting its lines. */
    private void endRow() {
        if (rowQuoted) {
            line += lineEnds(pos, rowEnd); // line breaks inside quotes count, as Jackson counts them
        }
        pos = rowEnd;
        if (pos < limit) {
            line++;
            pos += buf[pos] == '\r' && pos + 1 < limit && buf[pos + 1] == '\n' ? 2 : 1;
        }
    }

    private int lineEnds(int from, int to) {
        int ends = 0;
        for (int i = from; i < to; i++) {
            if (buf[i] == '\n' || (buf[i] == '\r' && (i + 1 == to || buf[i + 1] != '\n'))) {
                ends++;
            }
        }
        return ends;
    }

    /**
     * The fast path: when {@code buf[from, to)} is a row of the usual shape (no double quote), puts its bet's wire
     * bytes into {@link #bet} and returns their length; otherwise -1 (the row then goes through
     * {@link #parsedRow}, which decides whether it is a bet and why not).
     */
    private int plainRow(int from, int to) {
        byte[] b = buf;
        int at = 0;
        int field = from;
        for (int f = 0; f < 3; f++) {
            int comma = field;
            while (comma < to && b[comma] != ',') {
                comma++;
            }
            int length = comma - field;
            if (comma == to || length == 0 || length > (f == 2 ? Limits.MAX_DOCUMENT_DIGITS : Limits.MAX_STRING_BYTES)
                    || !(f == 2 ? digits(b, field, comma) : Limits.isPlainText(b, field, comma))) {
                return -1;
            }
            bet[at] = (byte) length;
            System.arraycopy(b, field, bet, at + 1, length);
            at += 1 + length;
            field = comma + 1;
        }
        // The birthdate: YYYY-MM-DD, then the number's 1..4 digits to the end of the row.
        int numberFrom = field + 11;
        int numberLength = to - numberFrom;
        if (numberLength < 1 || numberLength > 4 || b[field + 4] != '-' || b[field + 7] != '-'
                || b[field + 10] != ',' || !digits(b, field, field + 4) || !digits(b, field + 5, field + 7)
                || !digits(b, field + 8, field + 10) || !digits(b, numberFrom, to)) {
            return -1;
        }
        int year = value(b, field, field + 4);
        int month = value(b, field + 5, field + 7);
        int day = value(b, field + 8, field + 10);
        if (year < 1 || month < 1 || month > 12 || day < 1 || day > Limits.daysIn(year, month)) {
            return -1;
        }
        int number = value(b, numberFrom, to);
        bet[at++] = (byte) (year >>> 8);
        bet[at++] = (byte) year;
        bet[at++] = (byte) month;
        bet[at++] = (byte) day;
        bet[at++] = (byte) (number >>> 8);
        bet[at++] = (byte) number;
        return at;
    }

    private static boolean digits(byte[] b, int from, int to) {
        for (int k = from; k < to; k++) {
            if (b[k] < '0' || b[k] > '9') {
                return false;
            }
        }
        return true;
    }

    private static int value(byte[] b, int from, int to) {
        int value = 0;
        for (int k = from; k < to; k++) {
            value = value * 10 + (b[k] - '0');
        }
        return value;
    }

    /**
     * The general path: the row's text as strict UTF-8, its fields (split at commas, or Jackson's reading of a row
     * with a double quote), then {@link BetParser}. Puts the bet's wire bytes into {@link #bet} and returns their
     * length; 0 for a blank row or an invalid one (logged and counted).
     */
    private int parsedRow(int from, int to, long rowLine) throws BetFileException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buf, from, to - from)).toString();
        } catch (CharacterCodingException e) {
            throw new BetFileException(source + " near line " + rowLine + ": not UTF-8 text", e);
        }
        List<String> fields = rowQuoted ? QuotedRow.fields(text, source, rowLine) : List.of(text.split(",", -1));
        if (fields.size() == 1 && fields.get(0).isEmpty()) {
            return 0; // a blank line holds no bet
        }
        String reason;
        if (fields.size() != BetParser.COLUMNS) {
            reason = BetParser.COLUMNS + " columns expected, found " + fields.size();
        } else {
            try {
                Bet parsed = BetParser.parse(fields.get(0), fields.get(1), fields.get(2), fields.get(3), fields.get(4));
                return Wire.putBet(bet, 0, parsed);
            } catch (IllegalArgumentException e) {
                reason = e.getMessage();
            }
        }
        invalidLines++;
        LOG.warn("action: read_bet | result: fail | client_id: {} | line: {} | reason: {}", clientId, rowLine,
                LogText.clean(reason));
        return 0;
    }

    /** How many rows were invalid so far. */
    public int invalidLines() {
        return invalidLines;
    }

    /** How far the reading got, 0..100: bytes read past against the file's size; 100 only once at the end. */
    public int percentRead() {
        if (ended || size <= 0) {
            return 100;
        }
        return (int) Math.min(99, (consumed + pos) * 100 / size);
    }

    @Override
    public void close() throws BetFileException {
        try {
            try {
                in.close();
            } finally {
                if (archive != null) {
                    archive.close();
                }
            }
        } catch (IOException e) {
            throw new BetFileException(source + " cannot be closed: " + LogText.clean(e.getMessage()), e);
        }
    }
}
