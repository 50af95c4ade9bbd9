package lottery.server.store.csv;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.function.BooleanSupplier;
import lottery.server.store.BetCsv;
import lottery.server.store.StoredBet;

/**
 * The server's reader of the bets file ({@link BetCsv}'s format): the draw's and {@link CsvBetStore#forEach}'s. It
 * reads a range of the file at the byte level: one reused buffer, positional reads of a {@link FileChannel}, no
 * String, array or {@link StoredBet} per row. Every row is checked (six fields, quoting, UTF-8, agency and number
 * integers, an ISO birthdate), so a corrupt file fails whoever reads it; only the values a caller asks for
 * ({@link Row#document()} of a winner, {@link Row#toStoredBet()} for {@code forEach}) become objects.
 *
 * <p>Rows as Python's csv reader sees them (and Jackson's CSV parser, which BetFileScannerTest holds this to): fields
 * separated by commas; a field that starts with a double quote runs to the next lone double quote (a doubled one
 * stands for one quote, and commas, CR and LF inside are text); rows end at CR, LF or CRLF outside quotes; empty
 * lines are skipped and not counted; the last row may lack its line end. A row is then read as the assignment's
 * {@code Bet(row[0], ..., row[5])} does: integers and dates take a fast path for the plain forms this server writes
 * ({@code 7574}, {@code 1999-03-17}) and otherwise fall back to {@link Integer#parseInt} and {@link LocalDate#parse},
 * so what they accept and the messages they fail with are the JDK's.
 *
 * <p>Two paths: a row of the shape this server writes is scanned and checked in one pass ({@link #plainRow}: names
 * skipped eight bytes at a time); any other row, or one the buffer does not hold whole, goes through the general
 * parse ({@link #parseRow} and {@link Row#check}), which alone decides what is corrupt.
 *
 * <p>A row must fit in the buffer: it grows (doubling) up to {@link #MAX_ROW_BYTES}, then the row is corrupt.
 *
 * <p>Thread context: one scanner per thread; several may read one channel (positional reads).
 */
final class BetFileScanner {
    /**
     * The default buffer: a read per ~5,000 rows, and small enough to stay in the CPU's cache (measured over 10M rows
     * on one core: 64 KiB to 1 MiB within 5% of each other, 256 KiB the best; 4 MiB 8% slower).
     */
    static final int DEFAULT_BUFFER_BYTES = 256 << 10;
    /** The longest row accepted (Python's csv refuses fields over 128 KiB by default; this is far beyond). */
    static final int MAX_ROW_BYTES = 16 << 20;

    /** How {@link #scan} stopped. */
    enum Stop {
        /** At the end of the range: every row was scanned. */
        END,
        /** At the first row starting at or after the stop offset, with the offset between two rows. */
        BETWEEN_ROWS,
        /** At the first row starting after the stop offset, which lay inside a row (a quoted line break). */
        INSIDE_ROW
    }

    /** Receives each row; the row is only valid during the call. */
    interface Visitor {
        void visit(Row row);
    }

    /** A row that is not a bet: {@link #row} counts from 1 at the start of the scanned range. */
    static final class CorruptRowException extends Exception {
        private static final long serialVersionUID = 1L;
        private final long row;
        private final String detail;

        CorruptRowException(long row, String detail, Throwable cause) {
            super(null, cause, false, false);
            this.row = row;
            this.detail = detail;
        }

        /** The row, counted from 1 at the start of the scanned range. */
        long row() {
            return row;
        }

        /** The same row, counted from an earlier start: {@code rowsBefore} rows precede the scanned range. */
        CorruptRowException after(long rowsBefore) {
            return rowsBefore == 0 ? this : new CorruptRowException(rowsBefore + row, detail, getCause());
        }

        /** The message for the file's row {@code rowsBefore + row()} ({@code row N has 5 fields, not 6}, ...). */
        String describe(long rowsBefore) {
            return "row " + (rowsBefore + row) + detail;
        }

        @Override
        public String getMessage() {
            return describe(0);
        }
    }

    /** Eight bytes of a byte[] as one little-endian long: the first byte is the lowest. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGHS = 0x8080_8080_8080_8080L;

    private final FileChannel channel;
    /** End of the range (exclusive); reads stop there. */
    private final long end;
    /** Asked at every read: true stops the scan with an {@link InterruptedIOException}. */
    private final BooleanSupplier cancelled;
    private byte[] buf;
    private ByteBuffer wrapped;
    /** File offset of {@code buf[0]}. */
    private long bufStart;
    /** Valid bytes in {@code buf}. */
    private int limit;
    /** Next byte to scan. */
    private int pos;
    /** Whether {@code limit} is the end of the range. */
    private boolean eof;
    private long rows;
    private long generalRows;
    /** Set by {@link #quotedText}: whether the quoted text it scanned holds doubled quotes. */
    private boolean quotedEscapes;
    private final Row row = new Row();

    /**
     * A scanner of {@code channel} from {@code from} to {@code end}; {@code cancelled} is asked at every read (a scan
     * of a range whose result is no longer wanted stops early).
     */
    BetFileScanner(FileChannel channel, long from, long end, int bufferBytes, BooleanSupplier cancelled) {
        if (bufferBytes < 1) {
            throw new IllegalArgumentException("buffer of " + bufferBytes + " bytes");
        }
        this.channel = channel;
        this.end = end;
        this.cancelled = cancelled;
        this.buf = new byte[bufferBytes];
        this.wrapped = ByteBuffer.wrap(buf);
        this.bufStart = from;
        this.eof = from >= end;
    }

    /** Rows scanned so far. */
    long rows() {
        return rows;
    }

    /** Rows of those that the fast path did not take (tests: the server's own rows all take it). */
    long generalRows() {
        return generalRows;
    }

    /**
     * Hands {@code visitor} every row up to the end of the range, or up to the first row that starts at or after file
     * offset {@code stopAt} (that row is not scanned; a later call goes on from it).
     */
    Stop scan(long stopAt, Visitor visitor) throws IOException, CorruptRowException {
        /* File offset where the last row scanned ended (before its line end). */
        long lastRowEnd = -1;
        while (true) {
            while (pos < limit && (buf[pos] == '\r' || buf[pos] == '\n')) {
                pos++;
            }
            if (pos == limit) {
                if (eof) {
                    return Stop.END;
                }
                refill();
                continue;
            }
            if (bufStart + pos >= stopAt) {
                return lastRowEnd <= stopAt ? Stop.BETWEEN_ROWS : Stop.INSIDE_ROW;
            }
            int rowEnd = plainRow(pos);
            if (rowEnd >= 0) {
                rows++;
            } else {
                rowEnd = parseRow(pos);
                if (rowEnd < 0) {
                    refill();
                    continue;
                }
                rows++;
                generalRows++;
                row.check();
            }
            visitor.visit(row);
            pos = rowEnd;
            lastRowEnd = bufStart + rowEnd;
        }
    }

    /** Keeps the bytes from {@code pos} (a row not yet whole), moved to the buffer's start, and reads more. */
    private void refill() throws IOException, CorruptRowException {
        if (cancelled.getAsBoolean()) {
            throw new InterruptedIOException("the scan was cancelled");
        }
        int kept = limit - pos;
        if (kept == buf.length) {
            if (buf.length >= MAX_ROW_BYTES) {
                throw new CorruptRowException(rows + 1, " is longer than " + MAX_ROW_BYTES + " bytes", null);
            }
            byte[] larger = new byte[(int) Math.min((long) buf.length * 2, MAX_ROW_BYTES)];
            System.arraycopy(buf, pos, larger, 0, kept);
            buf = larger;
            wrapped = ByteBuffer.wrap(buf);
        } else if (kept > 0) {
            System.arraycopy(buf, pos, buf, 0, kept);
        }
        bufStart += pos;
        pos = 0;
        limit = kept;
        wrapped.clear().position(kept).limit((int) Math.min(buf.length, end - bufStart));
        boolean shorter = false;
        while (wrapped.hasRemaining()) {
            int read = channel.read(wrapped, bufStart + wrapped.position());
            if (read < 0) {
                shorter = true; // the file ends before the range: it shrank while being read
                break;
            }
        }
        limit = wrapped.position();
        eof = shorter || bufStart + limit >= end;
    }

    /**
     * The fast path: the row at {@code start} when it has the plain shape this server writes (digits, two names
     * quoted or not but without line breaks, digits, yyyy-mm-dd, digits, then CR or LF), scanned and checked in one
     * pass into {@link #row}.
     *
     * @return where it ends, or -1 for any other row or one the buffer does not hold whole: {@link #parseRow} and
     *         {@link Row#check} then decide, as for every row
     */
    private int plainRow(int start) throws CorruptRowException {
        byte[] b = buf;
        int n = limit;
        int i = start;
        int agency = 0;
        while (i < n && b[i] >= '0' && b[i] <= '9') {
            agency = agency * 10 + (b[i] - '0');
            i++;
        }
        if (i == start || i - start > 9 || i >= n || b[i] != ',') {
            return -1;
        }
        row.field(0, start, i, false);
        for (int field = 1; field <= 2; field++) {
            int s = ++i;
            if (i < n && b[i] == '"') {
                i = quotedText(i + 1);
                if (i < 0 || i + 1 >= n || b[i + 1] != ',') {
                    return -1;
                }
                row.field(field, s + 1, i, quotedEscapes);
                i++;
            } else {
                i = plainText(i);
                if (i < 0) {
                    return -1;
                }
                row.field(field, s, i, false);
            }
        }
        int s = ++i;
        while (i < n && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        if (i == s || i >= n || b[i] != ',') {
            return -1;
        }
        row.field(3, s, i, false);
        s = ++i;
        if (s + 11 > n || b[s + 10] != ',' || !row.plainDate(s, s + 10)) {
            return -1;
        }
        row.field(4, s, s + 10, false);
        s += 11;
        i = s;
        int number = 0;
        while (i < n && b[i] >= '0' && b[i] <= '9') {
            number = number * 10 + (b[i] - '0');
            i++;
        }
        if (i == s || i - s > 9 || i >= n || b[i] != '\r' && b[i] != '\n') {
            return -1;
        }
        row.field(5, s, i, false);
        row.plain(agency, number);
        return i;
    }

    /**
     * Scans an unquoted name from {@code i}: returns the index of the comma that ends it, or -1 when a line end or the
     * end of the buffer comes first.
     */
    private int plainText(int i) throws CorruptRowException {
        byte[] b = buf;
        int n = limit;
        while (true) {
            if (i + Long.BYTES <= n) {
                long special = special((long) LONGS.get(b, i));
                if (special == 0) {
                    i += Long.BYTES;
                    continue;
                }
                i += Long.numberOfTrailingZeros(special) >>> 3;
            } else if (i >= n) {
                return -1;
            }
            byte c = b[i];
            if (c == ',') {
                return i;
            }
            if (c == '\r' || c == '\n') {
                return -1;
            }
            if (c >= 0) {
                i++;
            } else {
                i = utf8(i);
                if (i < 0) {
                    return -1;
                }
            }
        }
    }

    /**
     * Scans the inside of a quoted name from {@code i} (after its opening quote): returns the index of its closing
     * quote, with {@link #quotedEscapes} telling whether it holds doubled quotes; -1 when a CR or LF (left to the
     * general parse) or the end of the buffer comes first.
     */
    private int quotedText(int i) throws CorruptRowException {
        byte[] b = buf;
        int n = limit;
        boolean escapes = false;
        while (true) {
            if (i + Long.BYTES <= n) {
                long word = (long) LONGS.get(b, i);
                long special = zeroByte(word ^ (ONES * '"')) | zeroByte(word ^ (ONES * '\r'))
                        | zeroByte(word ^ (ONES * '\n')) | word & HIGHS;
                if (special == 0) {
                    i += Long.BYTES;
                    continue;
                }
                i += Long.numberOfTrailingZeros(special) >>> 3;
            } else if (i >= n) {
                return -1;
            }
            byte c = b[i];
            if (c == '"') {
                if (i + 1 < n && b[i + 1] == '"') {
                    escapes = true;
                    i += 2;
                    continue;
                }
                quotedEscapes = escapes;
                return i;
            }
            if (c == '\r' || c == '\n') {
                return -1;
            }
            if (c >= 0) {
                i++;
            } else {
                i = utf8(i);
                if (i < 0) {
                    return -1;
                }
            }
        }
    }

    /**
     * Parses the row starting at {@code start} into {@link #row}.
     *
     * @return where it ends (at its line end, or the end of the range), or -1 when the buffer ends first
     */
    private int parseRow(int start) throws CorruptRowException {
        byte[] b = buf;
        int n = limit;
        int i = start;
        int field = 0;
        while (true) {
            if (i < n && b[i] == '"') {
                int s = i + 1;
                boolean escaped = false;
                i = s;
                while (true) {
                    if (i >= n) {
                        if (eof) {
                            throw new CorruptRowException(rows + 1, ": a quoted field is not closed", null);
                        }
                        return -1;
                    }
                    byte c = b[i];
                    if (c == '"') {
                        if (i + 1 >= n && !eof) {
                            return -1;
                        }
                        if (i + 1 < n && b[i + 1] == '"') {
                            escaped = true;
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i = c >= 0 ? i + 1 : utf8(i);
                    if (i < 0) {
                        return -1;
                    }
                }
                row.field(field, s, i, escaped);
                field++;
                i++; // the closing quote
                if (i >= n) {
                    if (!eof) {
                        return -1;
                    }
                    row.fields(field);
                    return i;
                }
                byte c = b[i];
                if (c == ',') {
                    i++;
                    continue;
                }
                if (c == '\r' || c == '\n') {
                    row.fields(field);
                    return i;
                }
                throw new CorruptRowException(rows + 1, ": a quoted field is followed by "
                        + describeByte(c) + ", not a comma or a line end", null);
            }
            int s = i;
            while (true) {
                if (i + Long.BYTES <= n) {
                    // Eight bytes at a time up to the first comma, CR, LF or non-ASCII byte.
                    long special = special((long) LONGS.get(b, i));
                    if (special == 0) {
                        i += Long.BYTES;
                        continue;
                    }
                    i += Long.numberOfTrailingZeros(special) >>> 3;
                } else if (i >= n) {
                    break;
                }
                byte c = b[i];
                if (c == ',' || c == '\n' || c == '\r') {
                    break;
                }
                if (c >= 0) {
                    i++;
                } else {
                    i = utf8(i);
                    if (i < 0) {
                        return -1;
                    }
                }
            }
            if (i >= n && !eof) {
                return -1;
            }
            row.field(field, s, i, false);
            field++;
            if (i >= n || b[i] != ',') {
                row.fields(field);
                return i;
            }
            i++;
        }
    }

    /**
     * Checks the UTF-8 sequence whose first byte (not ASCII) is at {@code i}.
     *
     * @return the index after it, or -1 when the buffer ends inside it
     */
    private int utf8(int i) throws CorruptRowException {
        int lead = buf[i] & 0xFF;
        int length;
        int min2 = 0x80;
        int max2 = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            if (lead == 0xE0) {
                min2 = 0xA0; // no overlong form
            } else if (lead == 0xED) {
                max2 = 0x9F; // no surrogate
            }
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            if (lead == 0xF0) {
                min2 = 0x90;
            } else if (lead == 0xF4) {
                max2 = 0x8F; // nothing above U+10FFFF
            }
        } else {
            throw notUtf8(i);
        }
        for (int k = 1; k < length; k++) {
            if (i + k >= limit) {
                if (eof) {
                    throw notUtf8(i);
                }
                return -1;
            }
            int c = buf[i + k] & 0xFF;
            if (k == 1 ? c < min2 || c > max2 : c < 0x80 || c > 0xBF) {
                throw notUtf8(i);
            }
        }
        return i + length;
    }

    /**
     * A word whose lowest set bit lies in the first byte of {@code word} that is a comma, CR, LF or not ASCII; 0 when
     * there is none. (Bits above the first may be spurious: only the lowest one is used.)
     */
    private static long special(long word) {
        return zeroByte(word ^ (ONES * ',')) | zeroByte(word ^ (ONES * '\r')) | zeroByte(word ^ (ONES * '\n'))
                | word & HIGHS;
    }

    /** The high bit of the first zero byte of {@code word} is set (and maybe bits above it); 0 when none is zero. */
    private static long zeroByte(long word) {
        return (word - ONES) & ~word & HIGHS;
    }

    private CorruptRowException notUtf8(int i) {
        return new CorruptRowException(rows + 1, ": not UTF-8 text (byte 0x"
                + Integer.toHexString(buf[i] & 0xFF) + " at file offset " + (bufStart + i) + ")", null);
    }

    private static String describeByte(byte c) {
        return c >= 0x20 && c < 0x7F ? "'" + (char) c + "'" : "byte 0x" + Integer.toHexString(c & 0xFF);
    }

    /**
     * The row being visited: where its fields lie in the buffer, and the values the scan checked. Valid only during
     * {@link Visitor#visit}.
     */
    final class Row {
        private final int[] starts = new int[BetCsv.COLUMNS];
        private final int[] ends = new int[BetCsv.COLUMNS];
        private final boolean[] escaped = new boolean[BetCsv.COLUMNS];
        private int fields;
        private int agency;
        private int number;
        private int year;
        private int month;
        private int day;
        /** The birthdate, when its text was not the plain form (parsed by the slow path). */
        private LocalDate parsedDate;

        private Row() {
        }

        void field(int index, int start, int end, boolean doubledQuotes) {
            if (index < BetCsv.COLUMNS) {
                starts[index] = start;
                ends[index] = end;
                escaped[index] = doubledQuotes;
            }
        }

        void fields(int count) {
            fields = count;
        }

        /** The values of a row {@link #plainRow} checked (its birthdate was checked by {@link #plainDate}). */
        void plain(int plainAgency, int plainNumber) {
            fields = BetCsv.COLUMNS;
            agency = plainAgency;
            number = plainNumber;
            parsedDate = null;
        }

        /** Checks the row (six fields, integer agency and number, ISO birthdate), keeping those three values. */
        void check() throws CorruptRowException {
            if (fields != BetCsv.COLUMNS) {
                throw new CorruptRowException(rows, " has " + fields + " fields, not " + BetCsv.COLUMNS, null);
            }
            try {
                agency = integer(0);
                parsedDate = null;
                if (!plainDate(starts[4], ends[4])) {
                    parsedDate = LocalDate.parse(text(4));
                }
                number = integer(5);
            } catch (NumberFormatException | DateTimeParseException e) {
                throw new CorruptRowException(rows, ": " + e.getMessage(), e);
            }
        }

        private int integer(int index) {
            int s = starts[index];
            int e = ends[index];
            byte[] b = buf;
            int i = s;
            boolean negative = false;
            if (i < e && (b[i] == '-' || b[i] == '+')) {
                negative = b[i] == '-';
                i++;
            }
            if (i < e && e - i <= 9) { // nine digits cannot overflow an int
                int value = 0;
                while (i < e && b[i] >= '0' && b[i] <= '9') {
                    value = value * 10 + (b[i] - '0');
                    i++;
                }
                if (i == e) {
                    return negative ? -value : value;
                }
            }
            return Integer.parseInt(text(index)); // what it accepts (or the message it fails with) stays the same
        }

        /** Checks a date of the form yyyy-mm-dd the ISO way (strict); false sends it to the slow path. */
        private boolean plainDate(int s, int e) {
            byte[] b = buf;
            if (e - s != 10 || b[s + 4] != '-' || b[s + 7] != '-') {
                return false;
            }
            int y = 0;
            for (int i = s; i < s + 4; i++) {
                int d = b[i] - '0';
                if (d < 0 || d > 9) {
                    return false;
                }
                y = y * 10 + d;
            }
            int m1 = b[s + 5] - '0';
            int m2 = b[s + 6] - '0';
            int d1 = b[s + 8] - '0';
            int d2 = b[s + 9] - '0';
            if (m1 < 0 || m1 > 9 || m2 < 0 || m2 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) {
                return false;
            }
            int m = m1 * 10 + m2;
            int d = d1 * 10 + d2;
            if (m < 1 || m > 12 || d < 1 || d > daysIn(y, m)) {
                return false;
            }
            year = y;
            month = m;
            day = d;
            return true;
        }

        private static int daysIn(int year, int month) {
            switch (month) {
                case 2:
                    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28;
                case 4:
                case 6:
                case 9:
                case 11:
                    return 30;
                default:
                    return 31;
            }
        }

        /** Field {@code index} as text (quotes removed, doubled quotes made single). */
        String text(int index) {
            String raw = new String(buf, starts[index], ends[index] - starts[index], StandardCharsets.UTF_8);
            return escaped[index] ? raw.replace("\"\"", "\"") : raw;
        }

        int agency() {
            return agency;
        }

        int number() {
            return number;
        }

        /** The assignment's {@code has_won}. */
        boolean hasWon() {
            return number == StoredBet.WINNING_NUMBER;
        }

        String document() {
            return text(3);
        }

        LocalDate birthdate() {
            return parsedDate != null ? parsedDate : LocalDate.of(year, month, day);
        }

        /** The row as a {@link StoredBet} ({@link CsvBetStore#forEach}; the draw builds none). */
        StoredBet toStoredBet() {
            return new StoredBet(agency, text(1), text(2), text(3), birthdate(), number);
        }
    }
}
