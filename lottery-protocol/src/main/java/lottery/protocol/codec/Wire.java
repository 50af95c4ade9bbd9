package lottery.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import lottery.protocol.message.Ack;
import lottery.protocol.message.Batch;
import lottery.protocol.message.BatchBytes;
import lottery.protocol.message.Bet;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.ErrorReply;
import lottery.protocol.message.Finish;
import lottery.protocol.message.Hello;
import lottery.protocol.message.Limits;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.MessageType;
import lottery.protocol.message.Winners;
import lottery.protocol.message.WinnersQuery;

/**
 * The body layouts of docs/PROTOCOL.md as pure functions between a frame (type byte + body, length prefix already
 * removed) and a message record. No channel is involved, so tests call these directly. All integers are unsigned
 * big-endian; a {@code str8} is a one-byte length followed by that many bytes of UTF-8.
 *
 * <pre>
 * HELLO          0x01  magic "TP0L" (4) | version u8 | agency u16 | secret str8
 * BET            0x02  bet
 * BATCH          0x03  seq u32 | count u16 | bet * count
 * FINISH         0x04  (empty)
 * WINNERS_QUERY  0x05  (empty)
 * ACK            0x81  ref u8 | seq u32 | stored u32
 * ERROR          0x82  code u16 | ref u8 (0 = none) | seq u32 | reason str8
 * WINNERS        0x83  flags u8 (bit 0 = last) | count u16 | document str8 * count
 * bet            =     first_name str8 | last_name str8 | document str8 | year u16 | month u8 | day u8 | number u16
 * </pre>
 *
 * <p>Example: the frame {@code 81 03 00 00 00 07 00 00 00 02} reads as {@code new Ack(BATCH, 7, 2)} (type ACK, ref
 * BATCH, seq 7, stored 2), and writing that Ack gives these bytes back; docs/PROTOCOL.md §8 has one per type.
 *
 * <p>{@link #write} and {@link #read} only dispatch on the type; below them each message with a body has one
 * {@code writeX}/{@code readX} pair, in the order of this table. A Bet's body is one bet, so {@code writeBet} also
 * writes each bet of a Batch; {@code skipBet} checks the structure of one and {@code readBetValues} then reads its
 * values, so a frame's structure is checked before any of its values.
 */
public final class Wire {
    /** The four bytes that open a Hello body: ASCII {@code TP0L}. */
    public static final int HELLO_MAGIC = 0x5450_304C;
    /** Frame bytes of a Batch besides its bets: length, type, seq and count. */
    public static final int BATCH_OVERHEAD = Limits.LENGTH_FIELD_BYTES + 1 + 4 + 2;
    /** Bytes of a bet besides its three strings: three length bytes, the date and the number. */
    private static final int BET_FIXED_BYTES = 3 + 4 + 2;
    /** The largest encoded bet: two names of 255 bytes and a document of 20 digits. */
    public static final int MAX_BET_BYTES =
            BET_FIXED_BYTES + 2 * Limits.MAX_STRING_BYTES + Limits.MAX_DOCUMENT_DIGITS;
    /** What {@code new String(bytes, UTF_8)} puts in place of each malformed sequence. */
    private static final char REPLACEMENT = '\uFFFD';
    /** Where bets are encoded before a bulk copy into the frame: one per thread, never handed out. */
    private static final FastThreadLocal<byte[]> BETS_SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[Limits.MAX_FRAME_BYTES];
        }
    };
    /**
     * One per thread, never handed out: its first half takes a str8 of a buffer without an array, its second half
     * the Latin-1 characters {@link #decodeLatin1} decodes.
     */
    private static final FastThreadLocal<byte[]> STR8_SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[2 * Limits.MAX_STRING_BYTES];
        }
    };

    private Wire() {
    }

    /** The encoded size of {@code bet} inside a Bet or Batch body. */
    public static int betSize(Bet bet) {
        return BET_FIXED_BYTES + ByteBufUtil.utf8Bytes(bet.firstName()) + ByteBufUtil.utf8Bytes(bet.lastName())
                + bet.document().length();
    }

    /**
     * Writes {@code msg} as it goes on the wire: the 4-byte length prefix, then {@link #write its type byte and body}.
     *
     * @throws IllegalArgumentException when the frame would exceed {@link Limits#MAX_FRAME_BYTES}; nothing is written
     */
    public static void writeFrame(LotteryMessage msg, ByteBuf out) {
        int prefixAt = out.writerIndex();
        out.writeInt(0); // the length, set once the frame is written
        try {
            write(msg, out);
        } catch (IllegalArgumentException e) {
            out.writerIndex(prefixAt);
            throw e;
        }
        out.setInt(prefixAt, out.writerIndex() - prefixAt - Limits.LENGTH_FIELD_BYTES);
    }

    /**
     * Writes the type byte and body of {@code msg} to {@code out}.
     *
     * @throws IllegalArgumentException when the frame would exceed {@link Limits#MAX_FRAME_BYTES}
     */
    public static void write(LotteryMessage msg, ByteBuf out) {
        int start = out.writerIndex();
        out.writeByte(msg.type().opcode());
        switch (msg.type()) {
            case HELLO -> writeHello(out, (Hello) msg);
            case BET -> writeBet(out, (Bet) msg);
            case BATCH -> {
                if (msg instanceof BatchBytes bytes) {
                    writeBatch(out, bytes);
                } else {
                    writeBatch(out, (Batch) msg);
                }
            }
            case FINISH, WINNERS_QUERY -> { } // the type byte is the whole message
            case ACK -> writeAck(out, (Ack) msg);
            case ERROR -> writeError(out, (ErrorReply) msg);
            case WINNERS -> writeWinners(out, (Winners) msg);
            default -> throw new IllegalStateException("no layout for " + msg.type());
        }
        int length = out.writerIndex() - start;
        if (length > Limits.MAX_FRAME_LENGTH) {
            out.writerIndex(start);
            throw new IllegalArgumentException(msg.type() + " frame of " + (length + Limits.LENGTH_FIELD_BYTES)
                    + " bytes exceeds the " + Limits.MAX_FRAME_BYTES + "-byte limit");
        }
    }

    /**
     * Reads one whole frame (type byte and body) into a message. The frame must be consumed exactly. The structure
     * is checked before the values: a frame that is truncated, miscounted or has trailing bytes is MALFORMED_FRAME
     * even when a field in it is also invalid, so INVALID_BET always means a well-framed Bet or Batch. The HELLO
     * magic is the one exception: it is checked first, as it says whether the peer speaks this protocol at all.
     *
     * @throws ProtocolException with the code of docs/PROTOCOL.md's error table on any bad input
     */
    public static LotteryMessage read(ByteBuf frame) {
        return read(frame, false);
    }

    /**
     * {@link #read}, except that a BATCH becomes a {@link BatchBytes} (its bets kept in their wire bytes) instead of
     * a {@link Batch}: the server's read. It accepts and refuses exactly the frames {@link #read} does, with the same
     * {@link ProtocolException}s.
     */
    public static LotteryMessage readBatchBytes(ByteBuf frame) {
        return read(frame, true);
    }

    private static LotteryMessage read(ByteBuf frame, boolean batchBytes) {
        if (!frame.isReadable()) {
            throw new ProtocolException(ErrorCode.MALFORMED_FRAME, "empty frame: no message type");
        }
        int opcode = frame.readUnsignedByte();
        MessageType type = MessageType.fromOpcode(opcode);
        if (type == null) {
            throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, String.format("unknown message type 0x%02x", opcode));
        }
        try {
            LotteryMessage msg = switch (type) {
                case HELLO -> readHello(frame);
                case BET -> readBet(frame);
                case BATCH -> readBatch(frame, batchBytes);
                case FINISH -> Finish.INSTANCE;
                case WINNERS_QUERY -> WinnersQuery.INSTANCE;
                case ACK -> readAck(frame);
                case ERROR -> readError(frame);
                case WINNERS -> readWinners(frame);
            };
            requireConsumed(frame, type, 0, 0);
            return msg;
        } catch (IndexOutOfBoundsException e) {
            throw new ProtocolException(ErrorCode.MALFORMED_FRAME, type, 0, 0, type + " frame is truncated", null);
        }
    }

    // ---- one write/read pair per message, in the order of the table above -------------------------------------
    // Each read method throws IndexOutOfBoundsException on a body cut short; read() turns it into MALFORMED_FRAME.

    private static void writeHello(ByteBuf out, Hello hello) {
        out.writeInt(HELLO_MAGIC);
        out.writeByte(hello.version());
        out.writeShort(hello.agency());
        writeStr8(out, hello.secret());
    }

    private static Hello readHello(ByteBuf in) {
        int magic = in.readInt();
        if (magic != HELLO_MAGIC) {
            throw new ProtocolException(ErrorCode.BAD_MAGIC, MessageType.HELLO, 0, 0,
                    String.format("HELLO magic is 0x%08x, not \"TP0L\"", magic), null);
        }
        int version = in.readUnsignedByte();
        int agency = in.readUnsignedShort();
        String secret = readStr8(in, MessageType.HELLO);
        requireConsumed(in, MessageType.HELLO, 0, 0);
        if (version == 0) {
            throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION, MessageType.HELLO, 0, 0,
                    "protocol version 0 does not exist", null);
        }
        if (agency == 0) {
            throw new ProtocolException(ErrorCode.UNKNOWN_AGENCY, MessageType.HELLO, 0, 0,
                    "agency 0 does not exist", null);
        }
        try {
            return new Hello(version, agency, secret);
        } catch (IllegalArgumentException e) {
            throw malformed(MessageType.HELLO, "HELLO secret: " + e.getMessage());
        }
    }

    /** The body of a Bet message is one bet, laid out as in a Batch. */
    private static void writeBet(ByteBuf out, Bet bet) {
        byte[] bytes = BETS_SCRATCH.get();
        out.writeBytes(bytes, 0, putBet(bytes, 0, bet));
    }

    private static Bet readBet(ByteBuf in) {
        int start = in.readerIndex();
        skipBet(in);
        requireConsumed(in, MessageType.BET, 0, 1);
        in.readerIndex(start);
        try {
            return readBetValues(in);
        } catch (IllegalArgumentException | DateTimeException e) {
            throw invalidBet(MessageType.BET, 0, 1, e);
        }
    }

    private static void writeBatch(ByteBuf out, Batch batch) {
        // One growth of the buffer at most (the encoder's starts small), never past what a frame may hold.
        out.ensureWritable(Math.min(Limits.MAX_FRAME_LENGTH, 4 + 2 + batch.bets().size() * MAX_BET_BYTES));
        out.writeInt((int) batch.seq());
        out.writeShort(batch.bets().size());
        // The bets are encoded into an array (plain stores, no per-byte buffer calls) and copied in bulk.
        byte[] bytes = BETS_SCRATCH.get();
        int size = 0;
        for (Bet bet : batch.bets()) {
            if (size > bytes.length - MAX_BET_BYTES) {
                out.writeBytes(bytes, 0, size);
                size = 0;
            }
            size = putBet(bytes, size, bet);
        }
        out.writeBytes(bytes, 0, size);
    }

    /** A batch whose bets are already in their wire bytes: the header, then the bytes as they are. */
    private static void writeBatch(ByteBuf out, BatchBytes batch) {
        out.ensureWritable(4 + 2 + batch.length());
        out.writeInt((int) batch.seq());
        out.writeShort(batch.count());
        out.writeBytes(batch.bytes());
    }

    private static LotteryMessage readBatch(ByteBuf in, boolean batchBytes) {
        long seq = in.readUnsignedInt();
        int count = in.readUnsignedShort();
        if (count == 0) {
            throw new ProtocolException(ErrorCode.MALFORMED_FRAME, MessageType.BATCH, seq, 0, "BATCH of 0 bets", null);
        }
        int start = in.readerIndex();
        if (batchBytes) {
            // The usual batch, whole and plain, in one pass over its bytes; any other goes the long way below.
            int length = in.readableBytes();
            BatchBytes plain = BatchBytes.readIfPlain(seq, count, length, array -> in.getBytes(start, array));
            if (plain != null) {
                in.skipBytes(length);
                return plain;
            }
        }
        // The structure first (only the length bytes are read), then the values, bet by bet, from the same bytes.
        int whole = 0;
        try {
            for (; whole < count; whole++) {
                skipBet(in);
            }
        } catch (IndexOutOfBoundsException e) {
            throw new ProtocolException(ErrorCode.MALFORMED_FRAME, MessageType.BATCH, seq, count,
                    "BATCH announces " + count + " bets but holds " + whole + " whole ones", null);
        }
        requireConsumed(in, MessageType.BATCH, seq, count);
        int end = in.readerIndex();
        if (batchBytes) {
            try {
                return BatchBytes.read(seq, count, end - start, array -> in.getBytes(start, array));
            } catch (IllegalArgumentException | DateTimeException e) {
                // An invalid bet: the read below names it as Wire.read does (the same checks, the same reason).
                in.readerIndex(start);
                readBetValues(in, seq, count, new ArrayList<>(count));
                throw invalidBet(MessageType.BATCH, seq, count, e);
            }
        }
        in.readerIndex(start);
        List<Bet> bets = new ArrayList<>(count);
        readBetValues(in, seq, count, bets);
        in.readerIndex(end);
        return new Batch(seq, bets);
    }

    /** Reads {@code count} bets whose structure was checked into {@code bets}: INVALID_BET names the first bad one. */
    private static void readBetValues(ByteBuf in, long seq, int count, List<Bet> bets) {
        for (int i = 0; i < count; i++) {
            try {
                bets.add(readBetValues(in));
            } catch (IllegalArgumentException | DateTimeException e) {
                throw invalidBet(MessageType.BATCH, seq, count, new IllegalArgumentException(
                        "bet " + (i + 1) + " of " + count + ": " + e.getMessage(), e));
            }
        }
    }

    private static void writeAck(ByteBuf out, Ack ack) {
        out.writeByte(ack.ref().opcode());
        out.writeInt((int) ack.seq());
        out.writeInt((int) ack.stored());
    }

    private static Ack readAck(ByteBuf in) {
        MessageType ref = MessageType.fromOpcode(in.readUnsignedByte());
        long seq = in.readUnsignedInt();
        long stored = in.readUnsignedInt();
        if (ref == null || ref.direction() != MessageType.Direction.TO_SERVER) {
            throw malformed(MessageType.ACK, "ACK refers to no client request type");
        }
        return new Ack(ref, seq, stored);
    }

    private static void writeError(ByteBuf out, ErrorReply error) {
        out.writeShort(error.code().code());
        out.writeByte(error.ref() == null ? 0 : error.ref().opcode());
        out.writeInt((int) error.seq());
        writeStr8(out, error.reason());
    }

    private static ErrorReply readError(ByteBuf in) {
        int number = in.readUnsignedShort();
        int refOpcode = in.readUnsignedByte();
        long seq = in.readUnsignedInt();
        String reason = readStr8(in, MessageType.ERROR);
        ErrorCode code = ErrorCode.fromCode(number);
        MessageType ref = MessageType.fromOpcode(refOpcode);
        if (code == null || (refOpcode != 0 && ref == null)) {
            throw malformed(MessageType.ERROR, "ERROR has unknown code " + number + " or type " + refOpcode);
        }
        try {
            return new ErrorReply(code, ref, seq, reason);
        } catch (IllegalArgumentException e) {
            throw malformed(MessageType.ERROR, "ERROR reason: " + e.getMessage());
        }
    }

    private static void writeWinners(ByteBuf out, Winners winners) {
        out.writeByte(winners.last() ? 1 : 0);
        out.writeShort(winners.documents().size());
        for (String document : winners.documents()) {
            writeStr8(out, document);
        }
    }

    private static Winners readWinners(ByteBuf in) {
        int flags = in.readUnsignedByte();
        int count = in.readUnsignedShort();
        if ((flags & ~1) != 0) {
            throw malformed(MessageType.WINNERS, String.format("WINNERS has unknown flags 0x%02x", flags));
        }
        List<String> documents = new ArrayList<>(Math.min(count, Winners.MAX_PER_FRAME));
        for (int i = 0; i < count; i++) {
            documents.add(readStr8(in, MessageType.WINNERS));
        }
        try {
            return new Winners((flags & 1) != 0, documents);
        } catch (IllegalArgumentException e) {
            throw malformed(MessageType.WINNERS, "WINNERS: " + e.getMessage());
        }
    }

    /**
     * Puts the bytes of {@code bet} (at most {@link #MAX_BET_BYTES}, as the record guarantees) into {@code bytes} at
     * {@code index}: the layout of {@link #writeBet}, one bet of a Batch body. Returns the index after them.
     */
    public static int putBet(byte[] bytes, int index, Bet bet) {
        int at = putStr8(bytes, index, bet.firstName());
        at = putStr8(bytes, at, bet.lastName());
        at = putStr8(bytes, at, bet.document());
        LocalDate birthdate = bet.birthdate();
        int year = birthdate.getYear();
        bytes[at++] = (byte) (year >>> 8);
        bytes[at++] = (byte) year;
        bytes[at++] = (byte) birthdate.getMonthValue();
        bytes[at++] = (byte) birthdate.getDayOfMonth();
        bytes[at++] = (byte) (bet.number() >>> 8);
        bytes[at++] = (byte) bet.number();
        return at;
    }

    /**
     * Puts a str8 of {@code value} (at most 255 bytes of UTF-8, as the records guarantee) at {@code index}: its
     * length byte, then its UTF-8 (an unpaired surrogate as '?', as Netty's writeUtf8 does). Returns the index after.
     */
    private static int putStr8(byte[] bytes, int index, String value) {
        int at = Utf8.put(bytes, index + 1, value, false);
        bytes[index] = (byte) (at - index - 1);
        return at;
    }

    /**
     * Skips one bet, reading only its three length bytes: IndexOutOfBoundsException when the buffer ends first.
     * {@link #readBetValues} then reads the same bytes, so a frame's structure is checked before any value.
     */
    private static void skipBet(ByteBuf in) {
        for (int i = 0; i < 3; i++) {
            in.skipBytes(in.readUnsignedByte());
        }
        in.skipBytes(BET_FIXED_BYTES - 3);
    }

    /**
     * Reads one bet whose bytes {@link #skipBet} found whole ({@link #writeBet} is its writing side); the first
     * invalid value, in field order, throws IllegalArgumentException or DateTimeException.
     */
    private static Bet readBetValues(ByteBuf in) {
        String firstName = readUtf8(in);
        String lastName = readUtf8(in);
        String document = readUtf8(in);
        int year = in.readUnsignedShort();
        int month = in.readUnsignedByte();
        int day = in.readUnsignedByte();
        int number = in.readUnsignedShort();
        return new Bet(utf8("first name", firstName), utf8("last name", lastName), utf8("document", document),
                LocalDate.of(year, month, day), number);
    }

    private static String utf8(String field, String value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is not valid UTF-8");
        }
        return value;
    }

    // ---- field encodings and errors ---------------------------------------------------------------------------

    /** Writes a str8; the records guarantee the value fits 255 bytes. */
    private static void writeStr8(ByteBuf out, String value) {
        int lengthIndex = out.writerIndex();
        out.writeByte(0);
        int bytes = ByteBufUtil.writeUtf8(out, value);
        out.setByte(lengthIndex, bytes);
    }

    /** Reads a str8; {@code null} when its bytes are not UTF-8 (they are consumed either way). */
    private static String readUtf8(ByteBuf in) {
        int length = in.readUnsignedByte();
        int index = in.readerIndex();
        in.skipBytes(length); // throws IndexOutOfBoundsException when truncated, before any decoding
        return decodeUtf8(in, index, length);
    }

    /**
     * The text of the {@code length} (at most 255) bytes at {@code index}, or {@code null} when they are not
     * well-formed UTF-8, in one decoding pass and with the String as the only object allocated. Text of ASCII and
     * Latin-1 letters (names with accents) is decoded here ({@link #decodeLatin1}); any other text by the JDK's
     * decoder, which replaces every malformed sequence with U+FFFD: a result without U+FFFD came from valid bytes,
     * and only one holding it (bad bytes, or an encoded U+FFFD) is checked again.
     */
    static String decodeUtf8(ByteBuf in, int index, int length) {
        byte[] scratch = STR8_SCRATCH.get();
        byte[] bytes;
        int offset;
        if (in.hasArray()) {
            bytes = in.array();
            offset = in.arrayOffset() + index;
        } else {
            in.getBytes(index, scratch, 0, length);
            bytes = scratch;
            offset = 0;
        }
        String value = decodeLatin1(bytes, offset, length, scratch);
        if (value != null) {
            return value;
        }
        value = new String(bytes, offset, length, StandardCharsets.UTF_8);
        if (value.indexOf(REPLACEMENT) >= 0 && !ByteBufUtil.isText(in, index, length, StandardCharsets.UTF_8)) {
            return null;
        }
        return value;
    }

    /**
     * The text of UTF-8 bytes whose characters are all in U+0000..U+00FF (one byte each, or C2/C3 and a continuation
     * byte), decoded into the second half of {@code scratch} and copied once into a Latin-1 String; {@code null} as
     * soon as another byte shows up, leaving those bytes to the general path. (The JDK's UTF-8 decoder sizes its
     * array by the byte count and trims it with a second copy when accents make the text shorter.)
     */
    private static String decodeLatin1(byte[] bytes, int offset, int length, byte[] scratch) {
        int chars = Limits.MAX_STRING_BYTES;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            byte b = bytes[i];
            if (b >= 0) {
                scratch[chars++] = b;
            } else if ((b == (byte) 0xC2 || b == (byte) 0xC3) && i + 1 < end && (bytes[i + 1] & 0xC0) == 0x80) {
                scratch[chars++] = (byte) (((b & 0x03) << 6) | (bytes[++i] & 0x3F));
            } else {
                return null;
            }
        }
        return new String(scratch, Limits.MAX_STRING_BYTES, chars - Limits.MAX_STRING_BYTES,
                StandardCharsets.ISO_8859_1);
    }

    private static String readStr8(ByteBuf in, MessageType type) {
        String value = readUtf8(in);
        if (value == null) {
            throw malformed(type, type + ": a text field is not valid UTF-8");
        }
        return value;
    }

    /** Trailing bytes after a whole message mean the sender and this reader disagree on the layout. */
    private static void requireConsumed(ByteBuf in, MessageType type, long seq, int count) {
        if (in.isReadable()) {
            throw new ProtocolException(ErrorCode.MALFORMED_FRAME, type, seq, count,
                    type + " frame has " + in.readableBytes() + " trailing bytes", null);
        }
    }

    private static ProtocolException malformed(MessageType type, String reason) {
        return new ProtocolException(ErrorCode.MALFORMED_FRAME, type, 0, 0, reason, null);
    }

    private static ProtocolException invalidBet(MessageType type, long seq, int count, RuntimeException e) {
        return new ProtocolException(ErrorCode.INVALID_BET, type, seq, count, "invalid bet: " + e.getMessage(), e);
    }
}
