package lottery.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import lottery.protocol.codec.GoldenFrames.Golden;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every golden frame decodes to its record, every record encodes to its golden frame, byte for byte. */
class GoldenFramesTest {

    static Iterable<Golden> goldens() {
        return GoldenFrames.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void decodesToItsRecord(Golden golden) {
        try (CodecChannel codec = new CodecChannel()) {
            assertThat(codec.decode(golden.bytes())).containsExactly(golden.message());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void encodesToItsBytes(Golden golden) {
        try (CodecChannel codec = new CodecChannel()) {
            assertThat(Hex.dump(codec.encode(golden.message()))).isEqualTo(Hex.dump(golden.bytes()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void roundTripsThroughTheCodec(Golden golden) {
        try (CodecChannel codec = new CodecChannel()) {
            LotteryMessage decoded = codec.decode(golden.bytes()).get(0);
            byte[] reencoded = codec.encode(decoded);
            assertThat(reencoded).isEqualTo(golden.bytes());
            assertThat(codec.decode(reencoded)).containsExactly(golden.message());
        }
    }

    /** The pure layout functions the codec delegates to agree with the goldens without a channel. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void wireFunctionsMatchWithoutAChannel(Golden golden) {
        ByteBuf buf = Unpooled.buffer();
        try {
            Wire.write(golden.message(), buf);
            assertThat(ByteBufUtil.getBytes(buf)).isEqualTo(Hex.unframe(golden.bytes()));
            assertThat(Wire.read(buf)).isEqualTo(golden.message());
            assertThat(buf.isReadable()).isFalse();
        } finally {
            buf.release();
        }
    }

    /** The whole frame, prefix included, as the encoder and the load generator write it, after what is there. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void writeFrameGivesTheGoldenBytesAfterWhatTheBufferHolds(Golden golden) {
        ByteBuf buf = Unpooled.buffer().writeByte(0x7E);
        try {
            Wire.writeFrame(golden.message(), buf);
            byte[] expected = new byte[1 + golden.bytes().length];
            expected[0] = 0x7E;
            System.arraycopy(golden.bytes(), 0, expected, 1, golden.bytes().length);
            assertThat(ByteBufUtil.getBytes(buf)).isEqualTo(expected);
        } finally {
            buf.release();
        }
    }

    /** Port unification decides on the first byte: every lottery frame must start with 0x00. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void startsWithAZeroByteAndAnnouncesItsOwnLength(Golden golden) {
        byte[] bytes = golden.bytes();
        assertThat(bytes[0]).isZero();
        long announced = ((bytes[0] & 0xFFL) << 24) | ((bytes[1] & 0xFF) << 16) | ((bytes[2] & 0xFF) << 8)
                | (bytes[3] & 0xFF);
        assertThat(announced).isEqualTo(bytes.length - 4L);
        assertThat(bytes[4] & 0xFF).isEqualTo(golden.message().type().opcode());
    }

    @Test
    void coverEveryMessageType() {
        Set<MessageType> covered = GoldenFrames.all().stream().map(g -> g.message().type())
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(MessageType.class)));
        assertThat(covered).isEqualTo(EnumSet.allOf(MessageType.class));
    }

    @Test
    void helloHidesItsSecretWhenPrinted() {
        assertThat(GoldenFrames.HELLO_WITH_SECRET.message().toString()).doesNotContain("s3cr3t").contains("***");
    }
}
