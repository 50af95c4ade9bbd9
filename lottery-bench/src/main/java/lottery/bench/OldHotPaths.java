package lottery.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Bet;

/**
 * The hot paths as they were before their optimisation (issue 11, commit c3e430e), kept as the benchmarks' same-run
 * baselines (the {@code ...Before} twins): machine noise moves both the same way, so their ratio means more than either
 * figure. Valid input only: the error paths (ProtocolException codes and messages) are left out, as a benchmark never
 * takes them.
 *
 * <ul>
 * <li>batch decode: every bet's fields read into an intermediate record (each str8 checked with {@code isText}, then
 *     decoded with {@code toString}: two passes), then the bets built from them;
 * <li>batch encode: the same writes as today's Wire, but without reserving the frame first, so the encoder's buffer
 *     grows from Netty's initial 256 bytes;
 * <li>bets-file rows: built as text in a StringBuilder, then encoded to UTF-8.
 * </ul>
 */
public final class OldHotPaths {

    private OldHotPaths() {
    }

    /** Reads a BATCH frame (type byte and body) the way Wire.read did. */
    static Batch readBatch(ByteBuf in) {
        in.readUnsignedByte(); // the type
        long seq = in.readUnsignedInt();
        int count = in.readUnsignedShort();
        List<Fields> fields = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            fields.add(new Fields(readUtf8(in), readUtf8(in), readUtf8(in), in.readUnsignedShort(),
                    in.readUnsignedByte(), in.readUnsignedByte(), in.readUnsignedShort()));
        }
        if (in.isReadable()) {
            throw new IllegalArgumentException("trailing bytes");
        }
        List<Bet> bets = new ArrayList<>(count);
        for (Fields field : fields) {
            bets.add(new Bet(field.firstName, field.lastName, field.document,
                    LocalDate.of(field.year, field.month, field.day), field.number));
        }
        return new Batch(seq, bets);
    }

    private record Fields(String firstName, String lastName, String document, int year, int month, int day,
                          int number) {
    }

    private static String readUtf8(ByteBuf in) {
        int length = in.readUnsignedByte();
        int index = in.readerIndex();
        in.skipBytes(length);
        if (!ByteBufUtil.isText(in, index, length, StandardCharsets.UTF_8)) {
            return null;
        }
        return in.toString(index, length, StandardCharsets.UTF_8);
    }

    /** Writes a BATCH frame (type byte and body) the way Wire.write did. */
    static void writeBatch(ByteBuf out, Batch batch) {
        out.writeByte(0x03);
        out.writeInt((int) batch.seq());
        out.writeShort(batch.bets().size());
        for (Bet bet : batch.bets()) {
            writeStr8(out, bet.firstName());
            writeStr8(out, bet.lastName());
            writeStr8(out, bet.document());
            out.writeShort(bet.birthdate().getYear());
            out.writeByte(bet.birthdate().getMonthValue());
            out.writeByte(bet.birthdate().getDayOfMonth());
            out.writeShort(bet.number());
        }
    }

    private static void writeStr8(ByteBuf out, String value) {
        int lengthIndex = out.writerIndex();
        out.writeByte(0);
        int bytes = ByteBufUtil.writeUtf8(out, value);
        out.setByte(lengthIndex, bytes);
    }

    /** LotteryMessageDecoder over {@link #readBatch}, to stand in the pipeline after the frame decoder. */
    @Sharable
    static final class Decoder extends MessageToMessageDecoder<ByteBuf> {
        Decoder() {
            super(ByteBuf.class);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
            out.add(readBatch(frame));
        }
    }

    /** LotteryMessageEncoder over {@link #writeBatch}. */
    @Sharable
    static final class Encoder extends MessageToByteEncoder<Batch> {
        Encoder() {
            super(Batch.class);
        }

        @Override
        protected void encode(ChannelHandlerContext ctx, Batch batch, ByteBuf out) {
            writeBatch(out, batch);
        }
    }

    /** The rows of the bets file as BetCsv built them: a StringBuilder, its String, then that String's UTF-8. */
    public static byte[] rows(int agency, List<Bet> bets) {
        StringBuilder out = new StringBuilder(bets.size() * 64);
        for (Bet bet : bets) {
            out.append(agency).append(',');
            field(out, bet.firstName());
            out.append(',');
            field(out, bet.lastName());
            out.append(',');
            field(out, bet.document());
            out.append(',').append(bet.birthdate()).append(',').append(bet.number()).append("\r\n");
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void field(StringBuilder out, String value) {
        boolean quote = false;
        for (int i = 0; i < value.length() && !quote; i++) {
            char c = value.charAt(i);
            quote = c == ',' || c == '"' || c == '\r' || c == '\n';
        }
        if (quote) {
            out.append('"').append(value.replace("\"", "\"\"")).append('"');
        } else {
            out.append(value);
        }
    }
}
