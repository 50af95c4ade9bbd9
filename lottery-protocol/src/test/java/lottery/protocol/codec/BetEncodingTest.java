package lottery.protocol.codec;

import static lottery.protocol.codec.RawFrames.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Bet;
import lottery.protocol.message.Limits;
import lottery.protocol.message.LotteryMessage;
import org.junit.jupiter.api.Test;

/**
 * Wire encodes bets into an array of its own (UTF-8 by hand) and copies them into the frame in chunks; these tests
 * hold the bytes to an independent layout ({@link RawFrames#bet}, strings by {@code getBytes(UTF_8)}), for BET and
 * BATCH, for batches that fill the frame (so a chunk is copied in the middle) and for text of 1- to 4-byte characters.
 */
class BetEncodingTest {

    @Test
    void encodesCharactersOfEveryUtf8Length() {
        Bet bet = new Bet("Añ€😀", "\"Zoë, 𝄞\"", "12345678901234567890", LocalDate.of(1, 2, 3), 9999);

        assertThat(write(bet)).isEqualTo(Hex.concat(new byte[] {RawFrames.BET}, expected(bet)));
    }

    @Test
    void encodesGeneratedBetsAndBatchesAsTheLayoutSays() {
        MessageGenerator generator = new MessageGenerator(1201);
        for (int i = 0; i < 400; i++) {
            Bet bet = generator.bet();
            assertThat(write(bet)).as("bet %s", bet).isEqualTo(Hex.concat(new byte[] {RawFrames.BET}, expected(bet)));
            Batch batch = generator.batch(Limits.MAX_U16);
            assertThat(write(batch)).as("batch %d", i).isEqualTo(expected(batch));
        }
    }

    @Test
    void encodesFullFramesOfSmallAndOfLargestBets() {
        BatchPacker packer = new BatchPacker(Limits.MAX_U16);
        int i = 0;
        while (packer.add(new Bet("Joaquín", "Peña, Jr", Integer.toString(7_000_000 + i),
                LocalDate.of(1980, 1 + i % 12, 1 + i % 28), i % 10_000))) {
            i++;
        }
        Batch fullOfSmall = packer.take(42);
        Batch fullOfLargest = new Batch(7, Collections.nCopies(15, MessageGenerator.largestBet()));

        // Wire copies its array into the frame when less than a largest bet is left in it: mid-batch here.
        assertThat(fullOfSmall.bets()).hasSizeGreaterThan(200);
        for (Batch batch : List.of(fullOfSmall, fullOfLargest)) {
            byte[] frame = write(batch);
            assertThat(frame.length + Limits.LENGTH_FIELD_BYTES).isBetween(8000, Limits.MAX_FRAME_BYTES);
            assertThat(frame).isEqualTo(expected(batch));
        }
    }

    private static byte[] write(LotteryMessage msg) {
        ByteBuf out = Unpooled.buffer();
        try {
            Wire.write(msg, out);
            byte[] bytes = new byte[out.readableBytes()];
            out.readBytes(bytes);
            return bytes;
        } finally {
            out.release();
        }
    }

    private static byte[] expected(Bet bet) {
        return RawFrames.bet(utf8(bet.firstName()), utf8(bet.lastName()), utf8(bet.document()),
                bet.birthdate().getYear(), bet.birthdate().getMonthValue(), bet.birthdate().getDayOfMonth(),
                bet.number());
    }

    private static byte[] expected(Batch batch) {
        ByteBuffer header = ByteBuffer.allocate(7).put((byte) RawFrames.BATCH).putInt((int) batch.seq())
                .putShort((short) batch.bets().size());
        List<byte[]> parts = new ArrayList<>();
        parts.add(header.array());
        batch.bets().forEach(bet -> parts.add(expected(bet)));
        return Hex.concat(parts.toArray(byte[][]::new));
    }
}
