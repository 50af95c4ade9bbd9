package lottery.bench;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Bet;
import lottery.server.store.BetCsv;
import lottery.server.store.StoredBet;

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
 * <li>bets-file rows: built as text in a StringBuilder, then encoded to UTF-8;
 * <li>the draw's reading of the bets file ({@link #forEachBet}, for DrawBench's {@code jackson} mode): Jackson's CSV
 *     parser, a {@code String[]} and a {@link StoredBet} per row (the server reads with its byte scanner now).
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

    /** The bets-file reader of the draw before the byte scanner (CsvBetStore.forEach with Jackson's CSV parser). */
    private static final CsvMapper CSV = CsvMapper.builder()
            .enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .build();

    /**
     * Every row of the bets file {@code file}, in file order, to {@code action}, as CsvBetStore.forEach read it
     * before: a Jackson {@code String[]} per row, then a {@link StoredBet} from it.
     *
     * @throws IOException when the file cannot be read or a row is not a bet
     */
    static void forEachBet(Path file, Consumer<? super StoredBet> action) throws IOException {
        long row = 0;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             MappingIterator<String[]> rows = CSV.readerFor(String[].class).readValues(reader)) {
            while (rows.hasNextValue()) {
                action.accept(storedBet(file, rows.nextValue(), ++row));
            }
        }
    }

    /** One row as the assignment's {@code Bet(row[0], ..., row[5])} reads it (BetCsv.parse did this). */
    private static StoredBet storedBet(Path file, String[] row, long rowNumber) throws IOException {
        if (row.length != BetCsv.COLUMNS) {
            throw new IOException("the bets file " + file + " is corrupt: row " + rowNumber + " has " + row.length
                    + " fields, not " + BetCsv.COLUMNS);
        }
        try {
            return new StoredBet(Integer.parseInt(row[0]), row[1], row[2], row[3], LocalDate.parse(row[4]),
                    Integer.parseInt(row[5]));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IOException("the bets file " + file + " is corrupt: row " + rowNumber + ": " + e.getMessage(), e);
        }
    }
}
