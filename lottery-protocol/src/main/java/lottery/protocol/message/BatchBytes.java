package lottery.protocol.message;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * A BATCH as the server receives it: its seq and its bets kept in their wire bytes ({@code bet * count}, the layout
 * of docs/PROTOCOL.md), so that the server can write each bet's row straight from these bytes, without a Java object
 * per bet. The bets are checked when it is made: every one is a bet {@code new Bet(...)} accepts, so an invalid
 * BatchBytes cannot exist, like any message. The codec reads a BATCH frame this way for the server
 * ({@code Wire.readBatchBytes}); the frame's errors (MALFORMED_FRAME, INVALID_BET and their reasons) are the codec's.
 *
 * <p>Example: the BATCH frame of docs/PROTOCOL.md §8 read this way gives {@code seq()} 7, {@code count()} 2, and
 * {@link #bets()} equal to the bets of the {@link Batch} the codec reads from it otherwise.
 *
 * <p>Thread context: immutable (the bytes are a private copy, never written after), so it crosses from the event
 * loop to the lottery thread like any message.
 */
public final class BatchBytes implements LotteryMessage {
    /** The fixed bytes at the end of a bet: year u16, month u8, day u8, number u16. */
    public static final int BET_TAIL_BYTES = 6;

    private final long seq;
    private final int count;
    private final byte[] bets;

    private BatchBytes(long seq, int count, byte[] bets) {
        this.seq = seq;
        this.count = count;
        this.bets = bets;
    }

    /**
     * A batch of the {@code count} bets whose wire bytes are the remaining bytes of {@code bets} (copied; the buffer's
     * position is not moved).
     *
     * @throws IllegalArgumentException (or its subclass DateTimeException) when the seq or count is out of range,
     *                                  the bytes are not {@code count} whole bets, or a bet is not valid
     */
    public static BatchBytes copyOf(long seq, int count, ByteBuffer bets) {
        return read(seq, count, bets.remaining(), array -> bets.duplicate().get(array));
    }

    /**
     * A batch of the {@code count} bets whose {@code length} wire bytes {@code source} copies into the new batch's
     * array (the codec copies them from the frame this way, once). The source must not keep the array.
     *
     * @throws IllegalArgumentException (or its subclass DateTimeException) as {@link #copyOf}
     */
    public static BatchBytes read(long seq, int count, int length, Consumer<byte[]> source) {
        byte[] bytes = copy(seq, count, length, source);
        if (!plain(bytes, count)) {
            decode(bytes, count); // throws when a bet is not valid
        }
        return new BatchBytes(seq, count, bytes);
    }

    /**
     * The batch of {@link #read}, when the {@code length} bytes {@code source} copies are exactly {@code count}
     * valid bets of plain text (the usual batch: one pass, no object per bet); null otherwise, and the caller then
     * checks the bytes the long way, which says what is wrong with them or decodes text of other scripts.
     *
     * @throws IllegalArgumentException when the seq or count is out of range
     */
    public static BatchBytes readIfPlain(long seq, int count, int length, Consumer<byte[]> source) {
        byte[] bytes = copy(seq, count, length, source);
        return plain(bytes, count) ? new BatchBytes(seq, count, bytes) : null;
    }

    /** The {@code length} bytes {@code source} copies, once the seq and count are checked to be in range. */
    private static byte[] copy(long seq, int count, int length, Consumer<byte[]> source) {
        Limits.checkU32("batch sequence number", seq);
        if (count < 1 || count > Limits.MAX_U16) {
            throw new IllegalArgumentException("a batch holds 1.." + Limits.MAX_U16 + " bets, not " + count);
        }
        byte[] bytes = new byte[length];
        source.accept(bytes);
        return bytes;
    }

    @Override
    public MessageType type() {
        return MessageType.BATCH;
    }

    /** The agency's batch sequence number. */
    public long seq() {
        return seq;
    }

    /** How many bets it holds (1..65535). */
    public int count() {
        return count;
    }

    /** How many bytes the bets take on the wire. */
    public int length() {
        return bets.length;
    }

    /** The byte at {@code index} of the bets' bytes (0 ≤ index < {@link #length}). */
    public byte byteAt(int index) {
        return bets[index];
    }

    /** Copies {@code length} bytes of the bets' bytes from {@code index} into {@code dst} at {@code at}. */
    public void copyBytes(int index, byte[] dst, int at, int length) {
        System.arraycopy(bets, index, dst, at, length);
    }

    /** The bets' bytes, read-only (the codec writes them into a frame as they are). */
    public ByteBuffer bytes() {
        return ByteBuffer.wrap(bets).asReadOnlyBuffer();
    }

    /** The bets as records, in order (tests, logs and stores that need them; decoded on every call). */
    public List<Bet> bets() {
        return Collections.unmodifiableList(decode(bets, count));
    }

    /** The same batch as a {@link Batch} record. */
    public Batch toBatch() {
        return new Batch(seq, bets());
    }

    /**
     * Whether {@code b} is {@code count} whole bets, all valid and plain: every name of printable ASCII and Latin-1
     * letters (bytes 20..7E, or C2/C3 and a continuation byte) and not all spaces, a document of 1..20 digits, a
     * real date of years 1..9999, a number up to 9999. One pass over the bytes, no object. Every batch it accepts
     * {@link #decode} accepts; what it does not accept (text of other scripts, or an invalid bet) is decoded.
     */
    static boolean plain(byte[] b, int count) {
        int at = 0;
        for (int i = 0; i < count && at >= 0; i++) {
            at = plainBet(b, at);
        }
        return at == b.length;
    }

    /**
     * Where the valid, plain bet that starts at {@code b[at]} ends, or -1 when there is none. A method of its own so
     * that a JVM compiling little (the client's flags) compiles it after a few thousand bets, where the loop of
     * {@link #plain} would run interpreted for a whole batch.
     */
    private static int plainBet(byte[] b, int at) {
        int length = b.length;
        for (int field = 0; field < 2; field++) {
            if (at >= length) {
                return -1;
            }
            int end = at + 1 + (b[at] & 0xFF);
            if (end > length || !Limits.isPlainText(b, at + 1, end)) {
                return -1;
            }
            at = end;
        }
        if (at >= length) {
            return -1;
        }
        int digits = b[at] & 0xFF;
        int end = at + 1 + digits;
        if (digits == 0 || digits > Limits.MAX_DOCUMENT_DIGITS || end + BET_TAIL_BYTES > length) {
            return -1;
        }
        for (int k = at + 1; k < end; k++) {
            if (b[k] < '0' || b[k] > '9') {
                return -1;
            }
        }
        int year = ((b[end] & 0xFF) << 8) | (b[end + 1] & 0xFF);
        int month = b[end + 2] & 0xFF;
        int day = b[end + 3] & 0xFF;
        int number = ((b[end + 4] & 0xFF) << 8) | (b[end + 5] & 0xFF);
        if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > Limits.daysIn(year, month)
                || number > Limits.MAX_NUMBER) {
            return -1;
        }
        return end + BET_TAIL_BYTES;
    }


    /**
     * The {@code count} bets of {@code b} as records: text as strict UTF-8, each bet through {@code new Bet(...)}.
     *
     * @throws IllegalArgumentException (or DateTimeException) when the bytes are not {@code count} valid bets
     */
    private static List<Bet> decode(byte[] b, int count) {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        List<Bet> list = new ArrayList<>(count);
        int[] at = {0};
        try {
            for (int i = 0; i < count; i++) {
                String first = text(utf8, b, at, "first name");
                String last = text(utf8, b, at, "last name");
                String document = text(utf8, b, at, "document");
                int p = at[0];
                int year = ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
                int number = ((b[p + 4] & 0xFF) << 8) | (b[p + 5] & 0xFF);
                list.add(new Bet(first, last, document, LocalDate.of(year, b[p + 2] & 0xFF, b[p + 3] & 0xFF),
                        number));
                at[0] = p + BET_TAIL_BYTES;
            }
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("the bytes hold fewer than " + count + " whole bets");
        }
        if (at[0] != b.length) {
            throw new IllegalArgumentException("the bytes hold more than " + count + " bets");
        }
        return list;
    }

    private static String text(CharsetDecoder utf8, byte[] b, int[] at, String field) {
        int length = b[at[0]] & 0xFF;
        int from = at[0] + 1;
        if (from + length > b.length) {
            throw new IndexOutOfBoundsException();
        }
        at[0] = from + length;
        try {
            CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(b, from, length));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(field + " is not valid UTF-8");
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BatchBytes that && seq == that.seq && count == that.count
                && Arrays.equals(bets, that.bets);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(seq) * 31 + Arrays.hashCode(bets);
    }

    @Override
    public String toString() {
        return "BatchBytes[seq=" + seq + ", count=" + count + ", bytes=" + bets.length + "]";
    }
}
