package lottery.protocol.codec;

import static lottery.protocol.codec.Hex.hex;
import static lottery.protocol.codec.RawFrames.bet;
import static lottery.protocol.codec.RawFrames.batchFrame;
import static lottery.protocol.codec.RawFrames.goldenBet;
import static lottery.protocol.codec.RawFrames.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import lottery.protocol.message.Batch;
import lottery.protocol.message.BatchBytes;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server's read of a BATCH ({@link Wire#readBatchBytes}) is {@link Wire#read}'s: the same bets, and on bad input
 * the same error (code, type, seq, count and reason), for every frame here: generated batches of every script, and
 * every invalid bet and bad structure of {@link BadInputTest}.
 */
class BatchBytesReadTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 7574, 20_260_418})
    void generatedBatchesReadAsTheSameBets(long seed) {
        MessageGenerator generator = new MessageGenerator(seed);
        try (CodecChannel codec = CodecChannel.untracked()) {
            for (int i = 0; i < 500; i++) {
                Batch batch = generator.batch(64);
                byte[] frame = codec.encode(batch);
                LotteryMessage read = Wire.readBatchBytes(body(frame));
                assertThat(read).isInstanceOf(BatchBytes.class);
                BatchBytes bytes = (BatchBytes) read;
                assertThat(bytes.seq()).isEqualTo(batch.seq());
                assertThat(bytes.count()).isEqualTo(batch.bets().size());
                assertThat(bytes.bets()).as("case %d", i).isEqualTo(batch.bets());
                assertThat(bytes.toBatch()).isEqualTo(batch);
                assertThat(bytes.length()).isEqualTo(frame.length - Wire.BATCH_OVERHEAD);
            }
        }
    }

    @Test
    void theServerDecoderGivesBatchBytesAndTheOthersAsBefore() {
        byte[] frame = GoldenFrames.BATCH.bytes();
        io.netty.channel.embedded.EmbeddedChannel channel = new io.netty.channel.embedded.EmbeddedChannel();
        LotteryPipeline.addServerLast(channel.pipeline());
        channel.writeInbound(Unpooled.wrappedBuffer(frame), Unpooled.wrappedBuffer(GoldenFrames.FINISH.bytes()));
        Object batch = channel.readInbound();
        assertThat(batch).isInstanceOf(BatchBytes.class);
        assertThat(((BatchBytes) batch).toBatch()).isEqualTo(GoldenFrames.BATCH.message());
        Object finish = channel.readInbound();
        assertThat(finish).isEqualTo(GoldenFrames.FINISH.message());
        channel.finishAndReleaseAll();
    }

    static Stream<Arguments> badBatches() {
        byte[] first = utf8("Nicolás");
        byte[] last = utf8("Saldaña");
        byte[] doc = utf8("30904465");
        List<Arguments> cases = new ArrayList<>();
        for (Arguments invalid : BadInputTest.invalidValues().toList()) {
            byte[] bad = (byte[]) invalid.get()[1];
            cases.add(Arguments.of(invalid.get()[0] + ", 2nd of 2", batchFrame(9, 2, goldenBet(), bad)));
            cases.add(Arguments.of(invalid.get()[0] + ", 1st of 3",
                    batchFrame(10, 3, bad, goldenBet(), goldenBet())));
        }
        for (Arguments invalid : BadInputTest.invalidUtf8().toList()) {
            byte[] name = (byte[]) invalid.get()[1];
            cases.add(Arguments.of(invalid.get()[0],
                    batchFrame(3, 2, goldenBet(), bet(first, name, doc, 1999, 3, 17, 1))));
        }
        cases.add(Arguments.of("NEL, a C1 control, is text",
                batchFrame(4, 1, bet(hex("c285"), last, doc, 1999, 3, 17, 1))));
        cases.add(Arguments.of("no-break spaces only",
                batchFrame(4, 1, bet(hex("c2a0c2a0"), last, doc, 1999, 3, 17, 1))));
        cases.add(Arguments.of("ideographic space only",
                batchFrame(4, 1, bet(utf8("\u3000"), last, doc, 1999, 3, 17, 1))));
        cases.add(Arguments.of("tab in a name",
                batchFrame(4, 1, bet(utf8("a\tb"), last, doc, 1999, 3, 17, 1))));
        cases.add(Arguments.of("emoji",
                batchFrame(4, 1, bet(utf8("Ana \uD83C\uDF40"), last, doc, 1999, 3, 17, 1))));
        cases.add(Arguments.of("quotes and commas",
                batchFrame(4, 1, bet(utf8("\"Mery\", Jr"), last, doc, 1999, 3, 17, 1))));
        cases.add(Arguments.of("February 29 of 2000",
                batchFrame(4, 1, bet(first, last, doc, 2000, 2, 29, 1))));
        cases.add(Arguments.of("February 29 of 1900",
                batchFrame(4, 1, bet(first, last, doc, 1900, 2, 29, 1))));
        cases.add(Arguments.of("count short",
                batchFrame(5, 3, goldenBet(), goldenBet())));
        cases.add(Arguments.of("count long",
                batchFrame(5, 1, goldenBet(), goldenBet())));
        cases.add(Arguments.of("count 0",
                batchFrame(5, 0, goldenBet())));
        cases.add(Arguments.of("half a bet",
                batchFrame(5, 2, goldenBet(), Arrays.copyOf(goldenBet(), 10))));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBatches")
    void everyFrameIsReadOrRefusedAsWireReadDoes(String what, byte[] frame) {
        LotteryMessage expected = null;
        ProtocolException expectedError = null;
        try {
            expected = Wire.read(body(frame));
        } catch (ProtocolException e) {
            expectedError = e;
        }
        if (expectedError == null) {
            LotteryMessage read = Wire.readBatchBytes(body(frame));
            assertThat(((BatchBytes) read).toBatch()).isEqualTo(expected);
            return;
        }
        ProtocolException error =
                catchThrowableOfType(ProtocolException.class, () -> Wire.readBatchBytes(body(frame)));
        assertThat(error).as("an error for %s", what).isNotNull();
        assertThat(error.code()).isEqualTo(expectedError.code());
        assertThat(error.ref()).isEqualTo(MessageType.BATCH);
        assertThat(error.seq()).isEqualTo(expectedError.seq());
        assertThat(error.count()).isEqualTo(expectedError.count());
        assertThat(error.getMessage()).isEqualTo(expectedError.getMessage());
    }

    /** The frame without its length prefix, as the message decoder gets it. */
    private static ByteBuf body(byte[] frame) {
        return Unpooled.wrappedBuffer(frame, 4, frame.length - 4);
    }
}
