package lottery.server.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import lottery.protocol.message.BatchBytes;
import lottery.protocol.codec.Utf8;
import lottery.protocol.message.Bet;

/**
 * The row format of the bets file, byte for byte what Python's {@code csv.writer(file, quoting=csv.QUOTE_MINIMAL)}
 * writes for {@code [agency, first_name, last_name, document, birthdate, number]}: fields separated by commas, a
 * field quoted only when it holds a comma, a double quote, CR or LF (quotes inside doubled), rows ended by CRLF.
 *
 * <p>Example: agency 3, {@code María "Mery"}, {@code Saldaña, Jr}, 30904465, 1999-03-17, 7574 becomes
 * {@code 3,"María ""Mery""","Saldaña, Jr",30904465,1999-03-17,7574\r\n}.
 *
 * <p>Thread context: the class is stateless; a {@link Rows} is a mutable, reused buffer with one owner thread: a
 * {@code CsvBetStore}'s is its owner's (the lottery thread, in the server), {@code BetsExport} makes its own on the
 * thread that exports, and {@link #rows} makes one per call.
 */
public final class BetCsv {
    static final String LINE_END = "\r\n";
    public static final int COLUMNS = 6;

    private BetCsv() {
    }

    /** The rows of {@code bets}, in order, as text (tests and tools; the store writes {@link Rows}' bytes). */
    static String rows(int agency, List<Bet> bets) {
        Rows rows = new Rows();
        ByteBuffer bytes = rows.encode(agency, bets);
        return new String(bytes.array(), 0, bytes.limit(), StandardCharsets.UTF_8);
    }

    /**
     * The UTF-8 bytes of rows, encoded straight from the bets into one growing byte array that is reused from batch
     * to batch: no text, no per-row or per-field objects. One per store, used by its owner thread only.
     */
    public static final class Rows {
        /**
         * Worst-case bytes of a row besides its three text fields: an int agency (11), five commas, any LocalDate
         * (16), an int number (11) and the line end.
         */
        private static final int FIXED_ROW_BYTES = 11 + 5 + 16 + 11 + LINE_END.length();
        private byte[] bytes = new byte[16 * 1024];
        private ByteBuffer view = ByteBuffer.wrap(bytes);
        private int size;

        /**
         * Encodes the rows of {@code bets} taken by {@code agency}, replacing what the previous call encoded.
         *
         * @return the rows, from position 0 to the limit; valid until the next call
         */
        public ByteBuffer encode(int agency, List<Bet> bets) {
            size = 0;
            for (Bet bet : bets) {
                ensureCapacity(FIXED_ROW_BYTES + fieldBound(bet.firstName()) + fieldBound(bet.lastName())
                        + fieldBound(bet.document()));
                row(agency, bet);
            }
            view.clear().limit(size);
            return view;
        }

        /**
         * Encodes the rows of {@code batch} taken by {@code agency} straight from its wire bytes, replacing what the
         * previous call encoded: the same bytes {@link #encode(int, List)} gives for {@code batch.bets()}. The text
         * fields' UTF-8 is copied as it came (the bytes were checked to be UTF-8, and a String's UTF-8 is those bytes
         * again); no object per bet.
         *
         * @return the rows, from position 0 to the limit; valid until the next call
         */
        public ByteBuffer encode(int agency, BatchBytes batch) {
            size = 0;
            integer(agency);
            bytes[size++] = ',';
            int prefix = size;
            int count = batch.count();
            // A row: the agency prefix, three fields each at most doubled and quoted, the date, the number.
            ensureCapacity(count * (prefix + 3 * 2 + 5 + 10 + 4 + LINE_END.length()) + 2 * batch.length());
            byte[] out = bytes;
            int o = size;
            int at = 0;
            for (int i = 0; i < count; i++) {
                if (i > 0) {
                    System.arraycopy(out, 0, out, o, prefix);
                    o += prefix;
                }
                for (int f = 0; f < 3; f++) {
                    int length = batch.byteAt(at) & 0xFF;
                    int from = at + 1;
                    at = from + length;
                    o = quotesNeeded(batch, from, at) ? quoted(batch, from, at, out, o)
                            : copy(batch, from, length, out, o);
                    out[o++] = ',';
                }
                int year = ((batch.byteAt(at) & 0xFF) << 8) | (batch.byteAt(at + 1) & 0xFF);
                o = twoDigits(out, o, year / 100);
                o = twoDigits(out, o, year % 100);
                out[o++] = '-';
                o = twoDigits(out, o, batch.byteAt(at + 2) & 0xFF);
                out[o++] = '-';
                o = twoDigits(out, o, batch.byteAt(at + 3) & 0xFF);
                out[o++] = ',';
                int number = ((batch.byteAt(at + 4) & 0xFF) << 8) | (batch.byteAt(at + 5) & 0xFF);
                if (number >= 1000) {
                    o = twoDigits(out, o, number / 100);
                    o = twoDigits(out, o, number % 100);
                } else if (number >= 100) {
                    out[o++] = (byte) ('0' + number / 100);
                    o = twoDigits(out, o, number % 100);
                } else if (number >= 10) {
                    o = twoDigits(out, o, number);
                } else {
                    out[o++] = (byte) ('0' + number);
                }
                out[o++] = '\r';
                out[o++] = '\n';
                at += BatchBytes.BET_TAIL_BYTES;
            }
            size = o;
            view.clear().limit(size);
            return view;
        }

        /** Whether the field's bytes {@code from..end} hold a comma, a quote, CR or LF (QUOTE_MINIMAL quotes it). */
        private static boolean quotesNeeded(BatchBytes batch, int from, int end) {
            for (int k = from; k < end; k++) {
                byte c = batch.byteAt(k);
                if (c <= '"' ? (c == '"' || c == '\r' || c == '\n') : c == ',') {
                    return true;
                }
            }
            return false;
        }

        private static int copy(BatchBytes batch, int from, int length, byte[] out, int o) {
            batch.copyBytes(from, out, o, length);
            return o + length;
        }

        /** The field's bytes {@code from..end} quoted, each {@code "} doubled. */
        private static int quoted(BatchBytes batch, int from, int end, byte[] out, int o) {
            out[o++] = '"';
            for (int k = from; k < end; k++) {
                byte c = batch.byteAt(k);
                if (c == '"') {
                    out[o++] = '"';
                }
                out[o++] = c;
            }
            out[o++] = '"';
            return o;
        }

        /** {@code value} (0..99) as two digits at {@code o}; returns the index after them. */
        private static int twoDigits(byte[] out, int o, int value) {
            out[o] = (byte) ('0' + value / 10);
            out[o + 1] = (byte) ('0' + value % 10);
            return o + 2;
        }

        private void row(int agency, Bet bet) {
            integer(agency);
            bytes[size++] = ',';
            field(bet.firstName());
            bytes[size++] = ',';
            field(bet.lastName());
            bytes[size++] = ',';
            field(bet.document());
            bytes[size++] = ',';
            date(bet.birthdate());
            bytes[size++] = ',';
            integer(bet.number());
            bytes[size++] = '\r';
            bytes[size++] = '\n';
        }

        /** At most 3 bytes per char (a surrogate pair is 4 bytes for 2 chars, a doubled quote 2 for 1), 2 quotes. */
        private static int fieldBound(String value) {
            return 3 * value.length() + 2;
        }

        private void ensureCapacity(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
                view = ByteBuffer.wrap(bytes);
            }
        }

        /** A field as QUOTE_MINIMAL writes it, in UTF-8 (an unpaired surrogate as '?', as String.getBytes does). */
        private void field(String value) {
            boolean quoted = needsQuotes(value);
            if (quoted) {
                bytes[size++] = '"';
            }
            size = Utf8.put(bytes, size, value, quoted);
            if (quoted) {
                bytes[size++] = '"';
            }
        }

        /** {@code LocalDate.toString()}: yyyy-MM-dd for years 0..9999, which is every year a Bet holds. */
        private void date(LocalDate date) {
            int year = date.getYear();
            if (year < 0 || year > 9999) {
                ascii(date.toString());
                return;
            }
            digits(year, 4);
            bytes[size++] = '-';
            digits(date.getMonthValue(), 2);
            bytes[size++] = '-';
            digits(date.getDayOfMonth(), 2);
        }

        /** {@code value} in decimal, as {@code Integer.toString}. */
        private void integer(int value) {
            if (value < 0) {
                ascii(Integer.toString(value));
                return;
            }
            int width = 1;
            for (int rest = value / 10; rest != 0; rest /= 10) {
                width++;
            }
            digits(value, width);
        }

        /** The last {@code width} decimal digits of {@code value} (zero-padded); {@code value >= 0}. */
        private void digits(int value, int width) {
            for (int i = size + width - 1; i >= size; i--) {
                bytes[i] = (byte) ('0' + value % 10);
                value /= 10;
            }
            size += width;
        }

        private void ascii(String text) {
            for (int i = 0; i < text.length(); i++) {
                bytes[size++] = (byte) text.charAt(i);
            }
        }
    }

    private static boolean needsQuotes(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ',' || c == '"' || c == '\r' || c == '\n') {
                return true;
            }
        }
        return false;
    }
}
