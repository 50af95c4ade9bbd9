package lottery.protocol.codec;

import static lottery.protocol.codec.Hex.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Wire#decodeUtf8} decodes and validates a str8's bytes in one pass (its own loop for ASCII and Latin-1 text,
 * else the JDK's replacing decoder, checked again only when U+FFFD comes out). It must accept and refuse exactly what a strict UTF-8 decoder does, and what the
 * two-pass code before it did (Netty's {@code isText}, then {@code toString}), on heap and direct buffers, at any
 * offset.
 */
class Utf8DecodeTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "Ana", "Nicolás", "Saldaña, Jr", "María \"Mery\"", "€uro ₿", "Zoë 😀", "𝄞𝄞",
        "\uFFFD", "a\uFFFDb", "\uFFFE\uFFFF", "\u0000"})
    void decodesValidTextOfOneToFourByteCharacters(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assertThat(bytes.length).isLessThanOrEqualTo(255);
        assertThat(decodeEveryWay(bytes)).isEqualTo(text);
    }

    @Test
    void decodesTheLongestStr8() {
        String text = "ñ".repeat(127) + "a";
        assertThat(text.getBytes(StandardCharsets.UTF_8)).hasSize(255);
        assertThat(decodeEveryWay(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(text);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "lone continuation byte, 80",
        "overlong NUL (modified UTF-8), c0 80",
        "overlong two-byte form, c1 bf",
        "overlong three-byte form, e0 80 80",
        "overlong three-byte form below U+0800, e0 9f bf",
        "overlong four-byte form, f0 8f bf bf",
        "high surrogate encoded, ed a0 80",
        "low surrogate encoded, ed bf bf",
        "above U+10FFFF, f4 90 80 80",
        "five-byte lead, f8 88 80 80 80",
        "byte ff, ff",
        "byte fe, fe",
        "two-byte form cut short, 41 c3",
        "Latin-1 lead then a lead, c3 c3 a9",
        "Latin-1 lead then ASCII, 61 c2 41",
        "three-byte form cut short, e2 82",
        "four-byte form cut short, f0 9f 98",
        "continuation missing, c3 41",
        "bad byte after an encoded U+FFFD, ef bf bd ff",
        "bad byte before an encoded U+FFFD, ff ef bf bd"})
    void refusesMalformedBytes(String what, String bytes) {
        assertThat(decodeEveryWay(hex(bytes))).as(what).isNull();
    }

    @Test
    void agreesWithAStrictDecoderAndWithTheTwoPassCodeOnRandomBytes() {
        SplittableRandom random = new SplittableRandom(20261201);
        int valid = 0;
        for (int i = 0; i < 30_000; i++) {
            byte[] bytes = randomUtf8ish(random, random.nextInt(0, 12));
            String expected = strict(bytes);
            assertThat(decodeEveryWay(bytes)).as("bytes %s", Hex.dump(bytes)).isEqualTo(expected);
            ByteBuf buf = Unpooled.wrappedBuffer(bytes);
            String twoPass = ByteBufUtil.isText(buf, StandardCharsets.UTF_8) ? buf.toString(StandardCharsets.UTF_8)
                    : null;
            assertThat(twoPass).as("bytes %s", Hex.dump(bytes)).isEqualTo(expected);
            valid += expected == null ? 0 : 1;
        }
        // Both outcomes must be common, or the comparison proves little.
        assertThat(valid).isBetween(3_000, 27_000);
    }

    /**
     * Valid UTF-8 of random code points of every length (U+FFFD and surrogate neighbours included), about half of
     * the time damaged: one byte replaced by any value, or the last one cut off.
     */
    private static byte[] randomUtf8ish(SplittableRandom random, int codePoints) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < codePoints; i++) {
            text.appendCodePoint(switch (random.nextInt(8)) {
                case 0, 1 -> random.nextInt(0x00, 0x80);
                case 2 -> random.nextInt(0x80, 0x800);
                case 7 -> random.nextInt(0x80, 0x100); // Latin-1: the decoder's own path when no other shows up
                case 3 -> random.nextBoolean() ? 0xFFFD : random.nextInt(0xD700, 0xD800);
                case 4 -> random.nextInt(0xE000, 0x10000);
                default -> random.nextInt(0x10000, 0x110000);
            });
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0 && random.nextBoolean()) {
            if (random.nextBoolean()) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            } else {
                bytes = Arrays.copyOf(bytes, bytes.length - 1);
            }
        }
        return bytes;
    }

    private static String strict(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * Decodes {@code bytes} from a heap buffer, a heap buffer with an array offset, and a direct buffer, with bytes
     * before and after them; checks the three agree and returns the result.
     */
    private static String decodeEveryWay(byte[] bytes) {
        byte[] padded = Hex.concat(hex("c3 28 ff"), bytes, hex("e2 82"));
        ByteBuf heap = Unpooled.wrappedBuffer(padded);
        ByteBuf offsetHeap = Unpooled.wrappedBuffer(padded).slice(1, padded.length - 1);
        ByteBuf direct = Unpooled.directBuffer(padded.length).writeBytes(padded);
        try {
            String fromHeap = Wire.decodeUtf8(heap, 3, bytes.length);
            assertThat(Wire.decodeUtf8(offsetHeap, 2, bytes.length)).isEqualTo(fromHeap);
            assertThat(Wire.decodeUtf8(direct, 3, bytes.length)).isEqualTo(fromHeap);
            return fromHeap;
        } finally {
            direct.release();
        }
    }
}
